package mkv.domain.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.List;
import io.vavr.control.Option;
import java.time.Instant;
import mkv.domain.ClusterId;
import mkv.domain.Entry;
import mkv.domain.Gens;
import mkv.domain.Identity;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.Volume;
import mkv.domain.fake.FakeVolumes;
import mkv.domain.VolumeMark;
import org.junit.jupiter.api.Test;

class ClustersTest {
    static final Volume V1 = Gens.volume(1);
    static final Volume V2 = Gens.volume(2);
    static final ClusterId ID = new ClusterId("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");

    @Test
    void look_tells_a_new_volume_from_one_that_holds_a_blob_and_stamp_makes_it_ours() {
        FakeVolumes volumes = new FakeVolumes();
        Key key = new Key("/some/key");
        Replica at = new Replica(V2, 0);
        volumes.seed(at, Entry.live(key, List.of(at), 3, Gens.md5(1), 0, Instant.EPOCH).sidecar());

        assertThat(Clusters.look(volumes, List.of(V1, V2), true)).containsExactly(
                new Identity.Seen(V1, new VolumeMark.Blank(), Option.some(false)),
                new Identity.Seen(V2, new VolumeMark.Blank(), Option.some(true)));

        assertThat(Clusters.stamp(volumes, List.of(V1), ID, "test")).isEmpty();
        assertThat(Clusters.look(volumes, List.of(V1), true)).containsExactly(
                new Identity.Seen(V1, new VolumeMark.Stamped(ID), Option.none()));
    }

    @Test
    void a_volume_that_is_down_is_neither_new_nor_full_and_cannot_be_stamped() {
        FakeVolumes volumes = new FakeVolumes().down(V1);
        assertThat(Clusters.look(volumes, List.of(V1), true).head().mark()).isInstanceOf(VolumeMark.Failed.class);
        assertThat(Clusters.stamp(volumes, List.of(V1), ID, "test")).hasSize(1);
    }

    @Test
    void a_volume_that_holds_only_a_later_generations_files_holds_data() {
        FakeVolumes volumes = new FakeVolumes();
        Key key = new Key("/some/key");
        Replica at = new Replica(V2, 0);
        volumes.seed(at, Entry.live(key, List.of(at), 3, Gens.md5(1), 17, Instant.EPOCH).sidecar());

        assertThat(Clusters.look(volumes, List.of(V2), true))
                .containsExactly(new Identity.Seen(V2, new VolumeMark.Blank(), Option.some(true)));
    }
}
