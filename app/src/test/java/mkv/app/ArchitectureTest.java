package mkv.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shape PHILOSOPHY.md describes, checked on every build: a pure domain, no cycles between
 * packages or between the domain's types, adapters that know nothing of each other or of the
 * wiring, adapters that reach the core only through its ports, and use cases (the flows) as the
 * only domain code that calls a driven port. The production classes of every module are read
 * from this module's test classpath.
 */
class ArchitectureTest {
    private static final JavaClasses MKV = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Test helpers shared through a module's test-jar (e.g. the adapters' TestCertificates) are tests too.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("mkv");

    /** The driven ports: what the use cases call out to. */
    private static final Set<String> DRIVEN_PORTS = Set.of("mkv.domain.port.Index", "mkv.domain.port.Blobs", "mkv.domain.port.Volumes",
            "mkv.domain.port.Probe", "mkv.domain.port.Health");

    @Test
    void the_classes_are_there_to_check() {
        // A rule over no classes passes vacuously: make sure the import found the code.
        org.assertj.core.api.Assertions.assertThat(MKV.stream().map(JavaClass::getPackageName).distinct())
                .contains("mkv.domain", "mkv.domain.port", "mkv.domain.flow", "mkv.adapter.http", "mkv.adapter.sqlite",
                        "mkv.adapter.nginx", "mkv.adapter.metrics", "mkv.app");
    }

    @Test
    void the_domain_depends_on_nothing_but_the_jdk_and_vavr() {
        ArchRule rule = classes().that().resideInAPackage("mkv.domain..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("mkv.domain..", "java..", "io.vavr..");
        rule.check(MKV);
    }

    @Test
    void no_package_depends_on_another_that_depends_back_on_it() {
        slices().matching("mkv.(**)").should().beFreeOfCycles().check(MKV);
    }

    @Test
    void no_two_domain_types_depend_on_each_other() {
        classes().that().resideInAPackage("mkv.domain..").should(notBeInATypeCycle()).check(MKV);
    }

    @Test
    void adapters_never_import_each_other_or_the_wiring() {
        slices().matching("mkv.adapter.(*)..").should().notDependOnEachOther().check(MKV);
        noClasses().that().resideInAPackage("mkv.adapter..").should().dependOnClassesThat().resideInAPackage("mkv.app..").check(MKV);
    }

    @Test
    void adapters_reach_the_core_through_its_ports_never_a_flow() {
        // A client-facing adapter calls the data API (DataApi) and maps its sealed results, so a
        // second API adapter (S3) maps the same calls instead of copying what a handler decides.
        noClasses().that().resideInAPackage("mkv.adapter..").should().dependOnClassesThat().resideInAPackage("mkv.domain.flow..")
                .check(MKV);
    }

    @Test
    void only_indexes_knows_which_index_adapters_exist() {
        // The wiring names the index through ServedIndex; Indexes opens the one --db names, and
        // backup is the SQLite file's own online copy (another index adapter brings its own tool).
        noClasses().that().resideInAPackage("mkv.app..").and().doNotHaveSimpleName("Indexes").and().doNotHaveSimpleName("BackupCommand")
                .should().dependOnClassesThat().resideInAPackage("mkv.adapter.sqlite..").check(MKV);
    }

    @Test
    void within_the_domain_only_the_flows_call_a_driven_port() {
        // (A port's own default methods may compose its other methods.)
        noClasses().that().resideInAPackage("mkv.domain..").and().resideOutsideOfPackages("mkv.domain.flow..", "mkv.domain.port..")
                .should().callMethodWhere(DescribedPredicate.describe("a driven port's method",
                        (JavaMethodCall call) -> DRIVEN_PORTS.contains(call.getTargetOwner().getName())))
                .check(MKV);
    }

    /** A type (nested types counted with their top-level type) none of whose dependencies depends back on it. */
    private static ArchCondition<JavaClass> notBeInATypeCycle() {
        return new ArchCondition<>("not depend on a domain type that depends back on it") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                JavaClass top = topLevel(item);
                if (top != item) return;
                for (JavaClass other : dependencies(top)) {
                    if (other.getName().compareTo(top.getName()) > 0 && dependencies(other).contains(top)) {
                        events.add(SimpleConditionEvent.violated(top, top.getName() + " and " + other.getName() + " depend on each other"));
                    }
                }
            }
        };
    }

    /** The top-level domain types a top-level type (with its nested types) depends on, itself excluded. */
    private static Set<JavaClass> dependencies(JavaClass top) {
        Set<JavaClass> out = new HashSet<>();
        for (JavaClass c : MKV) {
            if (topLevel(c) != top) continue;
            c.getDirectDependenciesFromSelf().forEach(d -> {
                JavaClass target = topLevel(d.getTargetClass());
                if (target != top && target.getPackageName().startsWith("mkv.domain")) out.add(target);
            });
        }
        return out;
    }

    private static JavaClass topLevel(JavaClass c) {
        JavaClass at = c;
        while (at.getEnclosingClass().isPresent()) at = at.getEnclosingClass().get();
        return at;
    }
}
