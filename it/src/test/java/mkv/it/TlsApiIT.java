package mkv.it;

import org.junit.jupiter.api.BeforeAll;

/**
 * Every API test of {@link ApiIT} again, on a cluster that speaks TLS everywhere: the coordinator's
 * data and admin ports on https, each volume on https verified against the cluster's CA, and every
 * redirect followed over https.
 */
class TlsApiIT extends ApiIT {

    /** In place of ApiIT's plain cluster. */
    @Override
    @BeforeAll
    void start() {
        cluster = Cluster.startTls(dir, 3, 2);
        http = cluster.http();
    }
}
