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
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Gens;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.DeleteResult;
import mkv.domain.PutResult;
import mkv.domain.PutCondition;
import mkv.domain.Replica;
import mkv.domain.Ring;
import mkv.domain.Volume;
import mkv.domain.fake.FakeHealth;
import mkv.domain.fake.FakeVolumes;
import mkv.domain.fake.InMemoryIndex;
import mkv.domain.fake.SettableClock;
import mkv.domain.port.Body;
import mkv.domain.port.Progress;
import org.junit.jupiter.api.Test;

/**
 * The safety issue's fault matrix, exhaustively on fakes: every request kind that changes a key
 * × every volume call it makes × that call failing or the process dying just before it. After
 * recovery (a new process settling what the old one left, the volumes answering again):
 * no acknowledged change is lost or undone, the volumes hold exactly the row's files with
 * sidecars that say what the row says, {@code rebuild} from the volumes alone reproduces the
 * key's state, and a deep verify finds nothing. The same matrix runs sampled on real processes
 * in {@code FaultMatrixIT}.
 */
class FaultMatrixTest {

    private static final Key KEY = new Key("/matrix/key");
    private static final Ring RING = Ring.of(List.of(Gens.volume(1), Gens.volume(2), Gens.volume(3)), 64, 4);
    private static final Seq<Volume> ALL = RING.volumes().toList();
    private static final Md5 OLD = Md5.of(md5("old value"));
    private static final Md5 NEW = Md5.of(md5("new value!"));

    /** A request that changes a key, and the state the key starts in. */
    enum Kind { PUT_NEW, PUT_OVER_UNLINKED, REPLACE_LIVE, UNLINK, RELINK, DELETE }

    /** How the call at the chosen step goes wrong. */
    enum Fault { FAILS, PROCESS_DIES }

    /** What a key is, as far as a client can tell. */
    record State(EntryState state, Md5 md5) {
        static final State ABSENT = new State(null, null);
    }

    @Test
    void every_request_kind_failing_or_dying_at_every_volume_call_resolves_after_recovery_to_a_state_the_answer_allows_and_the_volumes_agree() {
        int cells = 0;
        for (Kind kind : Kind.values()) {
            for (Fault fault : Fault.values()) {
                // Step numbers past the request's last call leave it unharmed: the matrix includes success.
                for (int step = 1; step <= 10; step++) {
                    check(kind, fault, step);
                    cells++;
                }
            }
        }
        assertThat(cells).isEqualTo(Kind.values().length * Fault.values().length * 10);
    }

    private void check(Kind kind, Fault fault, int step) {
        String cell = kind + " / " + fault + " at call " + step;
        InMemoryIndex index = new InMemoryIndex();
        FakeVolumes volumes = new FakeVolumes();
        FakeHealth health = new FakeHealth();
        SettableClock clock = new SettableClock(T0);
        // The work a DELETE leaves for after its answer waits here, so the fault can strike it after the answer.
        java.util.ArrayDeque<Runnable> afterAnswer = new java.util.ArrayDeque<>();
        Coordinator first = new Coordinator(index, volumes, health, clock, new Random(7), FaultMatrixTest::policy, T0.minusSeconds(1),
                afterAnswer::add);
        State before = prepare(kind, first);
        runAll(afterAnswer);
        int callsBefore = volumes.calls().size();

        if (fault == Fault.PROCESS_DIES) {
            volumes.beforeEach(c -> {
                if (c.step() == callsBefore + step) throw new IllegalStateException("killed");
            });
        } else {
            volumes.failAtStep(callsBefore + step);
        }
        clock.advance(Duration.ofSeconds(1));
        Option<Object> answer;
        try {
            answer = Option.some(run(kind, first));
        } catch (IllegalStateException killed) {
            answer = Option.none(); // as after kill -9: the row and the files stay as they were at that moment
            afterAnswer.clear();
        }
        try {
            runAll(afterAnswer); // a DELETE's sidecars, after its answer
        } catch (IllegalStateException killed) {
            afterAnswer.clear(); // the process died after answering
        }
        volumes.beforeEach(c -> {});
        volumes.heal();

        // The answer the client got, if any, says what the key may be.
        State now = stateOf(index.get(KEY));
        List<State> allowed = allowed(kind, answer, before);
        // Recovery in a new process: everything the old one left is older than its start.
        clock.advance(Duration.ofMinutes(10));
        Coordinator restarted = coordinator(index, volumes, health, clock, clock.instant());
        restarted.recover(clock.instant(), 100, "recovery");
        restarted.sweep(clock.instant(), clock.instant(), 100, "recovery");

        Option<Entry> row = index.get(KEY);
        State after = stateOf(row);
        assertThat(allowed).as(cell + ": answered " + answer + ", the key is " + after + " (was " + now + ")").contains(after);
        assertThat(row.exists(e -> e.is(EntryState.WRITING) || e.pending().isDefined() || e.owed()))
                .as(cell + ": recovery left " + row).isFalse();

        // The volumes hold exactly the value's files, each sidecar saying what the row says.
        if (row.isEmpty()) {
            assertThat(volumes.files()).as(cell + ": files of a key that is gone").isZero();
        } else {
            Entry e = row.get();
            for (Replica r : e.replicas()) {
                assertThat(volumes.holdsBlob(r, KEY, e.generation())).as(cell + ": blob on " + r).isTrue();
                assertThat(volumes.sidecar(r, KEY, e.generation()).map(s -> s.sameFacts(e.sidecar())))
                        .as(cell + ": sidecar on " + r).contains(true);
            }
            long retiredFiles = e.retired().map(h -> h.replicas().size()).sum().longValue() * 2;
            assertThat(volumes.files()).as(cell + ": files besides the value's").isEqualTo(e.replicas().size() * 2 + retiredFiles);
        }

        // The volumes alone rebuild the same state, with nothing undecided.
        InMemoryIndex rebuilt = new InMemoryIndex();
        Rebuilder.Report report = new Rebuilder(volumes, volumes, rebuilt, clock, Progress.none(), 2, 10).run(ALL);
        assertThat(stateOf(rebuilt.get(KEY))).as(cell + ": rebuild, " + report).isEqualTo(after);
        assertThat(report.damage().keySet().filter(k -> !k.equals("Superseded"))).as(cell + ": rebuild damage").isEmpty();
        row.forEach(e -> assertThat(rebuilt.get(KEY).get().generation()).as(cell).isEqualTo(e.generation()));

        // A deep verify finds nothing wrong.
        Verifier.Report verified = new Verifier(index, volumes, volumes, clock, Progress.none(),
                new Verifier.Options(true, false, Duration.ofHours(1), 2, false)).run(ALL);
        assertThat(verified.findings()).as(cell + ": verify --deep").isEmpty();
    }

    /** Brings the key to the state the request starts from; returns it. */
    private static State prepare(Kind kind, Coordinator c) {
        switch (kind) {
            case PUT_NEW -> { return State.ABSENT; }
            case PUT_OVER_UNLINKED, RELINK -> {
                assertThat(c.put(KEY, body("old value"), "setup")).isInstanceOf(PutResult.Created.class);
                assertThat(c.unlink(KEY, "setup")).isEqualTo(new DeleteResult.Deleted());
                return new State(EntryState.UNLINKED, OLD);
            }
            default -> {
                assertThat(c.put(KEY, body("old value"), "setup")).isInstanceOf(PutResult.Created.class);
                return new State(EntryState.LIVE, OLD);
            }
        }
    }

    private static Object run(Kind kind, Coordinator c) {
        return switch (kind) {
            case PUT_NEW, PUT_OVER_UNLINKED -> c.put(KEY, body("new value!"), "r");
            case REPLACE_LIVE -> c.put(KEY, new PutCondition.ReplaceAny(), body("new value!"), "r");
            case UNLINK -> c.unlink(KEY, "r");
            case RELINK -> c.relink(KEY, "r");
            case DELETE -> c.delete(KEY, "r");
        };
    }

    /**
     * The states the key may be in after recovery, given the answer. An acknowledged change
     * stands; a change that was refused before it began leaves the key as it was; a PUT that
     * failed or whose process died may leave the old value or (its every replica whole and its
     * switch committed) the new one, never neither. A DELETE, UNLINK or RELINK whose process died
     * after it committed its intent is finished by recovery.
     */
    private static List<State> allowed(Kind kind, Option<Object> answer, State before) {
        State newValue = new State(EntryState.LIVE, NEW);
        State unlinked = new State(EntryState.UNLINKED, before.md5());
        State relinked = new State(EntryState.LIVE, before.md5());
        if (answer.isEmpty()) {
            return switch (kind) {
                case PUT_NEW, PUT_OVER_UNLINKED, REPLACE_LIVE -> List.of(before, newValue);
                case UNLINK -> List.of(before, unlinked);
                case RELINK -> List.of(before, relinked);
                case DELETE -> List.of(before, State.ABSENT);
            };
        }
        Object a = answer.get();
        return switch (kind) {
            case PUT_NEW, PUT_OVER_UNLINKED, REPLACE_LIVE -> a instanceof PutResult.Created ? List.of(newValue) : List.of(before);
            case UNLINK -> a instanceof DeleteResult.Deleted || a instanceof DeleteResult.Incomplete ? List.of(unlinked) : List.of(before);
            case RELINK -> a instanceof DeleteResult.Deleted || a instanceof DeleteResult.Incomplete ? List.of(relinked) : List.of(before);
            case DELETE -> a instanceof DeleteResult.Deleted || a instanceof DeleteResult.Incomplete ? List.of(State.ABSENT) : List.of(before);
        };
    }

    private static State stateOf(Option<Entry> row) {
        return row.filter(e -> !e.is(EntryState.WRITING)).map(e -> new State(e.state(), e.md5().get())).getOrElse(State.ABSENT);
    }

    private static Coordinator coordinator(InMemoryIndex index, FakeVolumes volumes, FakeHealth health, SettableClock clock,
                                           java.time.Instant since) {
        return new Coordinator(index, volumes, health, clock, new Random(7), FaultMatrixTest::policy, since);
    }

    private static Policy policy() {
        return new Policy(RING, 2, false, Key.DEFAULT_MAX_BYTES, 1000, Option.none());
    }

    private static void runAll(java.util.ArrayDeque<Runnable> tasks) {
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) task.run();
    }

    private static Body body(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return new Body(new ByteArrayInputStream(b), b.length, Option.none());
    }

    private static byte[] md5(String s) {
        try {
            return java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
