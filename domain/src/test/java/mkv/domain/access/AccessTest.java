package mkv.domain.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import io.vavr.collection.List;
import io.vavr.control.Option;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The access decision and the scope each request of the data API needs. */
class AccessTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    /** A set of scopes drawn as a bit mask over the five. */
    private static Gen<io.vavr.collection.Set<Scope>> scopeSets() {
        return integers().between(0, 31).map(mask -> io.vavr.collection.TreeSet.ofAll(
                List.of(Scope.values()).filter(s -> (mask & (1 << s.ordinal())) != 0)));
    }

    private static Gen<Scope> scopes() {
        return integers().between(0, Scope.values().length - 1).map(i -> Scope.values()[i]);
    }

    private static Tokens granting(io.vavr.collection.Set<Scope> scopes) {
        String line = scopes.isEmpty() ? "" : TOKEN + " " + scopes.map(Scope::label).mkString(",");
        return Tokens.parse("t", line).get();
    }

    @Test
    void a_token_is_allowed_exactly_the_scopes_it_was_granted() {
        qt().forAll(scopeSets(), scopes()).checkAssert((granted, needed) -> {
            AccessResult r = Access.decide(Option.some(granting(granted)), Option.some(TOKEN), needed);
            if (granted.isEmpty()) assertThat(r).isEqualTo(new AccessResult.UnknownToken());
            else if (granted.contains(needed)) assertThat(r).isEqualTo(new AccessResult.Allowed());
            else assertThat(r).isEqualTo(new AccessResult.MissingScope(needed));
        });
    }

    @Test
    void without_tokens_configured_everything_is_allowed_and_with_them_nothing_without_a_valid_token() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 40), scopes()).checkAssert((presented, needed) -> {
            assertThat(Access.decide(Option.none(), Option.some(presented), needed)).isEqualTo(new AccessResult.Allowed());
            assertThat(Access.decide(Option.none(), Option.none(), needed)).isEqualTo(new AccessResult.Allowed());
            Tokens all = Tokens.parse("t", TOKEN + " read,write,delete,list,admin").get();
            assertThat(Access.decide(Option.some(all), Option.none(), needed)).isEqualTo(new AccessResult.NoToken());
            if (!presented.equals(TOKEN)) {
                assertThat(Access.decide(Option.some(all), Option.some(presented), needed)).isEqualTo(new AccessResult.UnknownToken());
            }
        });
    }

    @Test
    void an_empty_tokens_file_locks_everyone_out() {
        Tokens none = Tokens.parse("t", "# nobody\n").get();
        assertThat(Access.decide(Option.some(none), Option.some(TOKEN), Scope.READ)).isEqualTo(new AccessResult.UnknownToken());
    }

    @Test
    void each_method_and_listing_needs_its_scope() {
        assertThat(Scope.needed("GET", Set.of())).isEqualTo(Scope.READ);
        assertThat(Scope.needed("HEAD", Set.of())).isEqualTo(Scope.READ);
        assertThat(Scope.needed("PUT", Set.of())).isEqualTo(Scope.WRITE);
        assertThat(Scope.needed("RELINK", Set.of())).isEqualTo(Scope.WRITE);
        assertThat(Scope.needed("DELETE", Set.of())).isEqualTo(Scope.DELETE);
        assertThat(Scope.needed("UNLINK", Set.of())).isEqualTo(Scope.DELETE);
        for (String listing : List.of("list", "unlinked", "lost", "writing")) {
            assertThat(Scope.needed("GET", Set.of(listing, "start", "limit"))).as(listing).isEqualTo(Scope.LIST);
            assertThat(Scope.needed("HEAD", Set.of(listing))).as(listing).isEqualTo(Scope.LIST);
        }
        assertThat(Scope.needed("OPTIONS", Set.of())).isEqualTo(Scope.READ);
        assertThat(Scope.needed("PUT", Set.of("list"))).as("a PUT with ?list is still a write (and a 400)").isEqualTo(Scope.WRITE);
    }

    @Test
    void no_request_needs_admin_on_the_data_port() {
        qt().forAll(strings().betweenCodePoints('A', 'Z').ofLengthBetween(1, 8)).checkAssert(method ->
                assertThat(Scope.needed(method, Set.of("list"))).isNotEqualTo(Scope.ADMIN));
    }
}
