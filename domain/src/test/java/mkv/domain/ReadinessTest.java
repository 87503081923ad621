package mkv.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.control.Option;
import org.junit.jupiter.api.Test;

/** The rule behind /readyz: only the coordinator's own index counts. */
class ReadinessTest {

    @Test
    void an_index_that_answers_and_met_no_damage_is_ready() {
        assertThat(Readiness.problems(new Readiness.IndexState(Option.none(), Option.none()))).isEmpty();
    }

    @Test
    void an_index_that_cannot_answer_is_not_ready_and_says_why() {
        assertThat(Readiness.problems(new Readiness.IndexState(Option.some("database is locked"), Option.none())))
                .containsExactly("index: database is locked");
    }

    @Test
    void damage_met_since_the_start_is_not_ready_and_names_the_cure() {
        assertThat(Readiness.problems(new Readiness.IndexState(Option.none(), Option.some("SQLITE_CORRUPT at page 7"))))
                .containsExactly("index: damaged, rebuild it with 'mkv rebuild' (SQLITE_CORRUPT at page 7)");
        assertThat(Readiness.problems(new Readiness.IndexState(Option.some("locked"), Option.some("corrupt")))).hasSize(2);
    }
}
