package mkv.domain.flow;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import mkv.domain.DeleteResult;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.GetResult;
import mkv.domain.Gens;
import mkv.domain.InFlight;
import mkv.domain.Key;
import mkv.domain.ListResult;
import mkv.domain.Md5;
import mkv.domain.PutCondition;
import mkv.domain.PutResult;
import mkv.domain.Replica;
import mkv.domain.Ring;
import mkv.domain.fake.FakeHealth;
import mkv.domain.fake.FakeVolumes;
import mkv.domain.fake.InMemoryIndex;
import mkv.domain.fake.SettableClock;
import mkv.domain.port.Body;
import mkv.domain.port.ListKeys;
import org.junit.jupiter.api.Test;

/**
 * The data API over the Coordinator, against fakes: what it decides beyond the use cases (the
 * key's parse under the policy, the fallback, the listing limit) and that each call reaches the
 * use case it names.
 */
class CoordinatorApiTest {

    private static final Key KEY = new Key("/photos/cat.jpg");
    private static final Md5 HELLO_MD5 = new Md5("5d41402abc4b2a76b9719d911017c592"); // md5("hello")
    private static final Ring RING = Ring.of(List.of(Gens.volume(1), Gens.volume(2), Gens.volume(3)), 64, 4);
    private static final Seq<Replica> TARGETS = RING.replicasFor(KEY, 2);

    private final InMemoryIndex index = new InMemoryIndex();
    private final FakeVolumes volumes = new FakeVolumes();
    private final FakeHealth health = new FakeHealth();
    private final SettableClock clock = new SettableClock(T0);
    private final AtomicReference<Policy> policy = new AtomicReference<>(policy(Key.DEFAULT_MAX_BYTES, Option.none()));
    private final ListRateLimit listLimit = new ListRateLimit(clock, new ListRateLimit.Limits(2, 1));
    private final CoordinatorApi api = new CoordinatorApi(
            new Coordinator(index, volumes, health, clock, new Random(7), policy::get), listLimit);

    private static Policy policy(int maxKeyBytes, Option<String> fallback) {
        return new Policy(RING, 2, false, maxKeyBytes, 1000, fallback);
    }

    private static Body body(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return new Body(new ByteArrayInputStream(b), b.length);
    }

    private Entry storedLive() {
        Entry live = Entry.live(KEY, TARGETS, 5, HELLO_MD5, 0, T0);
        index.putAll(List.of(live));
        TARGETS.forEach(r -> volumes.seed(r, live.sidecar()));
        return live;
    }

    private static ListKeys listing(ListKeys.Which which, String prefix, String client) {
        return new ListKeys(which, prefix, Option.none(), Option.none(), client);
    }

    // ---- keys ----

    @Test
    void a_key_is_decoded_and_checked_against_the_limit_of_the_policy_in_force() {
        assertThat(api.key("/a%20b").get()).isEqualTo(new Key("/a b"));
        assertThat(api.key("/0123456789").isRight()).isTrue();

        policy.set(policy(8, Option.none()));

        assertThat(api.key("/0123456789").getLeft().reason()).isEqualTo("key is 11 bytes of UTF-8, over the limit of 8");
        assertThat(api.key("/a/../b").getLeft().reason()).contains("'..' segment");
        assertThat(api.key("/").getLeft().reason()).isEqualTo("key must name something after /");
    }

    // ---- GET ----

    @Test
    void a_live_key_is_found_at_a_replica_url_with_the_md5_and_volumes_of_its_value() {
        Entry live = storedLive();

        GetResult.Found found = (GetResult.Found) api.get(KEY, KEY.value());

        assertThat(found.md5()).isEqualTo(HELLO_MD5);
        assertThat(found.volumes()).isEqualTo(live.volumes());
        assertThat(TARGETS.map(r -> volumes.url(r, KEY, 0))).contains(found.url());
    }

    @Test
    void a_missing_key_is_absent_when_no_fallback_is_configured() {
        assertThat(api.get(KEY, KEY.value())).isEqualTo(new GetResult.Absent());
    }

    @Test
    void a_missing_or_unlinked_key_is_sent_to_the_fallback_server_with_the_path_as_the_request_named_it() {
        policy.set(policy(Key.DEFAULT_MAX_BYTES, Option.some("old.example:3000")));

        assertThat(api.get(new Key("/a b"), "/a%20b")).isEqualTo(new GetResult.Fallback("http://old.example:3000/a%20b"));

        index.putAll(List.of(Entry.live(KEY, TARGETS, 5, HELLO_MD5, 0, T0).withState(EntryState.UNLINKED, T0)));
        assertThat(api.get(KEY, KEY.value())).isEqualTo(new GetResult.Fallback("http://old.example:3000" + KEY.value()));
    }

    @Test
    void a_lost_key_is_lost_even_with_a_fallback_and_a_key_on_dead_volumes_is_unavailable() {
        policy.set(policy(Key.DEFAULT_MAX_BYTES, Option.some("old.example:3000")));
        Entry live = storedLive();
        index.replace(live, live.lost(T0));
        assertThat(api.get(KEY, KEY.value())).isEqualTo(new GetResult.Lost());

        index.replace(live.lost(T0), live);
        TARGETS.forEach(r -> health.down(r.volume()));
        assertThat(api.get(KEY, KEY.value())).isEqualTo(new GetResult.Unavailable(live.volumes()));
    }

    // ---- PUT, DELETE, UNLINK, RELINK ----

    @Test
    void each_change_reaches_its_use_case() {
        assertThat(api.put(KEY, new PutCondition.CreateOnly(), body("hello"), "r1")).isInstanceOf(PutResult.Created.class);
        assertThat(api.put(KEY, new PutCondition.CreateOnly(), body("again"), "r2")).isEqualTo(new PutResult.AlreadyExists());
        assertThat(api.relink(KEY, "r3")).isEqualTo(new DeleteResult.AlreadyLive());
        assertThat(api.unlink(KEY, "r4")).isEqualTo(new DeleteResult.Deleted());
        assertThat(index.get(KEY).map(Entry::state)).contains(EntryState.UNLINKED);
        assertThat(api.relink(KEY, "r5")).isEqualTo(new DeleteResult.Deleted());
        assertThat(index.get(KEY).map(Entry::state)).contains(EntryState.LIVE);
        assertThat(api.delete(KEY, "r6")).isEqualTo(new DeleteResult.Deleted());
        assertThat(index.get(KEY)).isEmpty();
    }

    // ---- listings ----

    @Test
    void a_listing_pages_keys_of_the_state_asked_for() {
        for (String k : new String[] {"/l/a", "/l/b", "/l/c"}) {
            assertThat(api.put(new Key(k), new PutCondition.CreateOnly(), body("v"), "r")).isInstanceOf(PutResult.Created.class);
        }
        assertThat(api.unlink(new Key("/l/c"), "r")).isEqualTo(new DeleteResult.Deleted());

        assertThat(api.list(new ListKeys(ListKeys.Which.LIVE, "/l/", Option.none(), Option.some("1"), "c1")))
                .isEqualTo(new ListResult.Keys(List.of(new Key("/l/a")), "/l/b"));
        assertThat(api.list(new ListKeys(ListKeys.Which.UNLINKED, "/l/", Option.none(), Option.none(), "c2")))
                .isEqualTo(new ListResult.Keys(List.of(new Key("/l/c")), ""));
        assertThat(api.list(new ListKeys(ListKeys.Which.LIVE, "/l/", Option.some("/l/b"), Option.none(), "c3")))
                .isEqualTo(new ListResult.Keys(List.of(new Key("/l/b")), ""));
        assertThat(api.list(listing(ListKeys.Which.LOST, "/", "c4"))).isEqualTo(new ListResult.Keys(List.empty(), ""));
    }

    @Test
    void the_rows_in_flight_are_listed_with_what_they_are_doing() {
        index.putAll(List.of(Entry.writing(KEY, TARGETS, 5, T0)));
        clock.advance(Duration.ofSeconds(30));

        assertThat(api.list(listing(ListKeys.Which.IN_FLIGHT, "/photos/", "c")))
                .isEqualTo(new ListResult.Writing(List.of(new InFlight(KEY, InFlight.Kind.WRITE, 5, TARGETS, T0, Duration.ofSeconds(30))), ""));
    }

    @Test
    void a_listing_with_an_invalid_prefix_or_parameter_says_which() {
        ListResult invalid = api.list(listing(ListKeys.Which.LIVE, "/a/../", "c1"));
        assertThat(invalid).isInstanceOf(ListResult.InvalidPrefix.class);
        assertThat(((ListResult.InvalidPrefix) invalid).invalid().reason()).contains("'..' segment");

        assertThat(api.list(new ListKeys(ListKeys.Which.LIVE, "/", Option.none(), Option.some("x"), "c2")))
                .isEqualTo(new ListResult.BadQuery("limit must be a whole number from 1 to 1000, not 'x'"));
        assertThat(api.list(new ListKeys(ListKeys.Which.LIVE, "/", Option.some("no-slash"), Option.none(), "c3")))
                .isEqualTo(new ListResult.BadQuery("start is not a valid key: key must start with /"));
    }

    @Test
    void a_client_over_its_listing_rate_is_refused_before_anything_is_read_and_others_are_not() {
        // A burst of two, then one a second.
        assertThat(api.list(listing(ListKeys.Which.LIVE, "/", "10.0.0.1"))).isInstanceOf(ListResult.Keys.class);
        assertThat(api.list(listing(ListKeys.Which.LIVE, "/", "10.0.0.1"))).isInstanceOf(ListResult.Keys.class);

        assertThat(api.list(listing(ListKeys.Which.LIVE, "/", "10.0.0.1"))).isEqualTo(new ListResult.TooMany(Duration.ofSeconds(1)));
        // Refused before the prefix is even parsed: a client over its rate costs a map lookup.
        assertThat(api.list(listing(ListKeys.Which.LIVE, "/a/../", "10.0.0.1"))).isInstanceOf(ListResult.TooMany.class);
        assertThat(api.list(listing(ListKeys.Which.LIVE, "/", "10.0.0.2"))).isInstanceOf(ListResult.Keys.class);

        clock.advance(Duration.ofSeconds(1));
        assertThat(api.list(listing(ListKeys.Which.LIVE, "/", "10.0.0.1"))).isInstanceOf(ListResult.Keys.class);
    }

    @Test
    void a_listing_rate_of_zero_turns_the_limit_off() {
        listLimit.limits(new ListRateLimit.Limits(1, 0));
        for (int i = 0; i < 20; i++) assertThat(api.list(listing(ListKeys.Which.LIVE, "/", "10.0.0.1"))).isInstanceOf(ListResult.Keys.class);
    }
}
