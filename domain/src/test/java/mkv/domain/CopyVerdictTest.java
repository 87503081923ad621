package mkv.domain;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

/** When a streamed copy is the value its sidecar describes, and what a copy that is not becomes. */
class CopyVerdictTest {
    private static final Key KEY = new Key("/copied/key");
    private static final Replica FROM = new Replica(Gens.volume(1), 3);
    private static final Replica TO = new Replica(Gens.volume(2), 4);
    private static final Sidecar SIDECAR = new Sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0, 7, Sidecar.FORMAT);

    @Test
    void a_copy_is_kept_only_when_both_its_size_and_its_md5_are_the_sidecars() {
        qt().withExamples(2000).forAll(longs().between(0, 1 << 20), Gens.md5s(), booleans().all(), booleans().all())
                .checkAssert((size, md5, sameSize, sameMd5) -> {
                    Sidecar sidecar = new Sidecar(KEY, size, md5, EntryState.LIVE, T0, 7, Sidecar.FORMAT);
                    BlobCopy arrived = new BlobCopy.Arrived(TO, sameSize ? size : size + 1, sameMd5 ? md5 : Gens.md5(size.intValue() + 1));
                    boolean matches = sameSize && (sameMd5 || md5.equals(Gens.md5(size.intValue() + 1)));

                    CopyVerdict verdict = CopyVerdict.of(FROM, arrived, sidecar);

                    assertThat(verdict instanceof CopyVerdict.Keep).isEqualTo(matches);
                    if (!matches) {
                        assertThat(verdict).isInstanceOfSatisfying(CopyVerdict.Discard.class,
                                d -> assertThat(d.why().failure()).isInstanceOf(VolumeFailure.Mismatch.class));
                    }
                });
    }

    @Test
    void bytes_of_another_size_are_the_sources_mismatch_and_of_another_md5_the_copys() {
        assertThat(CopyVerdict.of(FROM, new BlobCopy.Arrived(TO, 6, Gens.md5(1)), SIDECAR)).isEqualTo(new CopyVerdict.Discard(
                new Transfer.Failed(FROM, new VolumeFailure.Mismatch("source holds 6 bytes, the index says 5"))));
        assertThat(CopyVerdict.of(FROM, new BlobCopy.Arrived(TO, 5, Gens.md5(2)), SIDECAR)).isEqualTo(new CopyVerdict.Discard(
                new Transfer.Failed(TO, new VolumeFailure.Mismatch("copied bytes have md5 " + Gens.md5(2) + ", the index says " + Gens.md5(1)))));
    }

    @Test
    void a_copy_that_failed_is_reported_as_it_failed_and_nothing_is_deleted() {
        for (Replica failed : new Replica[] {FROM, TO}) {
            VolumeFailure why = new VolumeFailure.TimedOut("slow");
            assertThat(CopyVerdict.of(FROM, new BlobCopy.Failed(failed, why), SIDECAR))
                    .isEqualTo(new CopyVerdict.Failed(new Transfer.Failed(failed, why)));
        }
    }

    @Test
    void a_kept_copy_gets_its_sidecar_only_when_it_reads_back_with_the_sidecars_size() {
        assertThat(CopyVerdict.readBack(TO, new Stat.Present(5), SIDECAR)).isEmpty();
        for (Stat unlike : new Stat[] {new Stat.Present(4), new Stat.Missing(), new Stat.Unknown(new VolumeFailure.Refused(500))}) {
            assertThat(CopyVerdict.readBack(TO, unlike, SIDECAR)).as("%s", unlike).singleElement().satisfies(f -> {
                assertThat(f.replica()).isEqualTo(TO);
                assertThat(f.failure()).isInstanceOf(VolumeFailure.Mismatch.class);
            });
        }
    }
}
