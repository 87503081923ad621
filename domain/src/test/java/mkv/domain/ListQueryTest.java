package mkv.domain;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import io.vavr.control.Option;
import mkv.domain.fake.InMemoryIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Listing parameters and paging. */
class ListQueryTest {

    private static final int MAX_LIMIT = 10_000;

    private static Either<String, ListQuery> parse(String start, String limit) {
        return ListQuery.parse("/p/", start, limit, MAX_LIMIT, Key.DEFAULT_MAX_BYTES);
    }

    private static Seq<Key> keys(String... ks) {
        return List.of(ks).map(Key::new);
    }

    @Test
    void absent_parameters_mean_the_first_page_of_the_default_size() {
        assertThat(parse(null, null)).isEqualTo(Either.right(new ListQuery("/p/", Option.none(), ListQuery.DEFAULT_LIMIT)));
        assertThat(parse("", null).get().start()).isEmpty();
    }

    @Test
    void the_default_limit_never_exceeds_the_configured_maximum() {
        assertThat(ListQuery.parse("/", null, null, 50, 1024).get().limit()).isEqualTo(50);
    }

    @Test
    void a_limit_and_a_start_key_are_taken_as_given() {
        assertThat(parse("/p/b", "25")).isEqualTo(Either.right(new ListQuery("/p/", Option.of(new Key("/p/b")), 25)));
        assertThat(parse(null, "1").get().limit()).isEqualTo(1);
        assertThat(parse(null, String.valueOf(MAX_LIMIT)).get().limit()).isEqualTo(MAX_LIMIT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "10001", "abc", "", "1.5", "99999999999"})
    void a_bad_limit_is_refused_naming_the_parameter(String limit) {
        Either<String, ListQuery> q = parse(null, limit);
        assertThat(q.isLeft()).isTrue();
        assertThat(q.getLeft()).startsWith("limit must be").contains("10000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-slash", "/", "/a/../b", "/a\u0000b"})
    void a_bad_start_key_is_refused_naming_the_parameter(String start) {
        Either<String, ListQuery> q = parse(start, null);
        assertThat(q.isLeft()).isTrue();
        assertThat(q.getLeft()).startsWith("start is not a valid key");
    }

    @Test
    void a_start_key_over_the_size_limit_is_refused() {
        assertThat(ListQuery.parse("/", "/abcdef", null, 100, 5).getLeft()).contains("start").contains("over the limit");
    }

    @Test
    void a_short_fetch_is_the_last_page() {
        ListQuery q = new ListQuery("/", Option.none(), 3);
        assertThat(q.page(keys("/a", "/b"))).isEqualTo(new ListQuery.Page(keys("/a", "/b"), ""));
        assertThat(q.page(keys("/a", "/b", "/c"))).isEqualTo(new ListQuery.Page(keys("/a", "/b", "/c"), ""));
        assertThat(q.page(List.empty())).isEqualTo(new ListQuery.Page(List.empty(), ""));
    }

    @Test
    void the_extra_key_of_a_full_fetch_is_where_the_next_page_starts() {
        ListQuery q = new ListQuery("/", Option.none(), 2);
        assertThat(q.page(keys("/a", "/b", "/c"))).isEqualTo(new ListQuery.Page(keys("/a", "/b"), "/c"));
    }

    @Test
    void paging_visits_every_live_key_under_the_prefix_once_in_byte_order() {
        qt().withExamples(150).forAll(lists().of(Gens.pathKeys()).ofSizeBetween(0, 40), integers().between(1, 7))
                .checkAssert((keys, limit) -> {
                    InMemoryIndex index = new InMemoryIndex();
                    Replica r = new Replica(Gens.volume(1), 0);
                    index.putAll(List.ofAll(keys).distinct().map(k -> Entry.live(k, List.of(r), 1, Gens.md5(1), 0, T0)));
                    index.putAll(List.of(new Entry(new Key("/a/gone"), EntryState.UNLINKED, List.of(r), 1,
                            Option.of(Gens.md5(1)), T0, T0)));

                    List<Key> seen = List.empty();
                    String next = "";
                    int pages = 0;
                    do {
                        ListQuery q = ListQuery.parse("/a", next, String.valueOf(limit), MAX_LIMIT, 1024).get();
                        ListQuery.Page page = q.page(index.list(q.prefix(), EntryState.LIVE, q.start(), q.limit() + 1));
                        assertThat(page.keys().size()).isLessThanOrEqualTo(limit);
                        seen = seen.appendAll(page.keys());
                        next = page.next();
                        pages++;
                    } while (!next.isEmpty() && pages < 100);

                    List<Key> expected = List.ofAll(keys).distinct().filter(k -> k.value().startsWith("/a")).sorted();
                    assertThat(seen).containsExactlyElementsOf(expected);
                });
    }
}
