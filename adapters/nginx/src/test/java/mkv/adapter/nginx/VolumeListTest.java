package mkv.adapter.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.List;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.Ring;
import mkv.domain.Volume;
import org.junit.jupiter.api.Test;

/**
 * A volume's scheme says how to reach it and nothing else: its identity on the ring is host:port,
 * so listing a volume as {@code https://} moves no key. Golden values from RingTest pin that.
 */
class VolumeListTest {

    private static VolumeList parse(String text) {
        return VolumeList.parse(text).getOrElseThrow(errors -> new AssertionError(errors.mkString("; ")));
    }

    private static Ring ring(VolumeList list) {
        return Ring.of(list.volumes(), Ring.DEFAULT_VNODES, 4);
    }

    private static List<String> placed(Ring ring, String key) {
        return ring.replicasFor(new Key(key), 3).map(Replica::toString).toList();
    }

    @Test
    void https_and_http_volumes_place_keys_exactly_where_bare_ones_do() {
        VolumeList bare = parse("10.0.0.1:80,10.0.0.2:80,10.0.0.3:80");
        VolumeList https = parse("https://10.0.0.1:80,https://10.0.0.2:80,https://10.0.0.3:80");
        VolumeList mixed = parse("http://10.0.0.1:80,https://10.0.0.2:80/,10.0.0.3:80");

        assertThat(https.volumes()).isEqualTo(bare.volumes());
        assertThat(mixed.volumes()).isEqualTo(bare.volumes());
        // RingTest's golden placement of "/hello" over these three volumes, whatever the scheme.
        for (VolumeList list : List.of(bare, https, mixed)) {
            assertThat(placed(ring(list), "/hello")).containsExactly("10.0.0.2:80/2", "10.0.0.1:80/3", "10.0.0.3:80/1");
        }
        Ring plain = ring(bare);
        Ring secure = ring(https);
        for (int i = 0; i < 2000; i++) {
            assertThat(placed(secure, "/k/" + i)).isEqualTo(placed(plain, "/k/" + i));
        }
    }

    @Test
    void the_scheme_is_kept_per_volume() {
        VolumeList mixed = parse("http://a:1, HTTPS://b:2 ,c:3");
        assertThat(mixed.scheme(new Volume("a", 1))).isEqualTo("http://");
        assertThat(mixed.scheme(new Volume("b", 2))).isEqualTo("https://");
        assertThat(mixed.scheme(new Volume("c", 3))).isEqualTo("http://");
        assertThat(mixed.toString()).isEqualTo("a:1,https://b:2,c:3");
    }

    @Test
    void a_volume_no_longer_listed_is_reached_over_https_when_every_listed_one_is() {
        Volume removed = new Volume("gone", 9);
        assertThat(parse("https://a:1,https://b:2").scheme(removed)).isEqualTo("https://");
        assertThat(parse("https://a:1,b:2").scheme(removed)).isEqualTo("http://");
        assertThat(VolumeList.http(List.empty()).scheme(removed)).isEqualTo("http://");
    }

    @Test
    void bad_entries_are_named_each() {
        var errors = VolumeList.parse("ftp://a:1,https://b:2/data,https://c,d:4").getLeft();
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0)).contains("ftp://a:1").contains("scheme");
        assertThat(errors.get(1)).contains("https://b:2/data").contains("path");
        assertThat(errors.get(2)).contains("https://c").contains("host:port");
    }
}
