package mkv.adapter.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEM checks give one clear sentence per fault, naming the file, and accept a certificate with its own key. */
class TlsFilesTest {
    @TempDir
    static Path dir;
    static TestCertificates ca;
    static TestCertificates.Issued server;
    static TestCertificates.Issued other;

    @BeforeAll
    static void make_certificates() {
        ca = TestCertificates.authority(dir, "files");
        server = ca.issue("server", 1);
        other = ca.issue("other", 2);
    }

    @Test
    void a_certificate_with_its_own_key_makes_a_server_tls() {
        var tls = TlsFiles.server(server.cert(), server.key());
        assertThat(tls.isRight()).as(tls.toString()).isTrue();
        assertThat(tls.get().enabled()).isTrue();
    }

    @Test
    void a_key_of_another_certificate_is_refused_naming_both_files() {
        var problems = TlsFiles.problems(server.cert(), other.key());
        assertThat(problems).singleElement().asString()
                .contains(other.key().toString()).contains(server.cert().toString()).contains("does not belong");
    }

    @Test
    void missing_files_are_named_each() {
        Path noCert = dir.resolve("absent.pem");
        Path noKey = dir.resolve("absent.key");
        assertThat(TlsFiles.problems(noCert, noKey)).containsExactly("no file at " + noCert, "no file at " + noKey);
    }

    @Test
    void a_file_that_is_not_pem_is_refused_as_such() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        assertThat(TlsFiles.certificates(garbage).getLeft()).contains(garbage.toString()).contains("no").contains("PEM certificate");
        assertThat(TlsFiles.privateKey(garbage).getLeft()).contains(garbage.toString()).contains("PEM private key");
        // A certificate given where the key belongs, and the reverse.
        assertThat(TlsFiles.problems(server.key(), server.cert())).hasSize(2);
    }

    @Test
    void a_folder_is_not_a_pem_file() {
        assertThat(TlsFiles.certificates(dir).getLeft()).isEqualTo(dir + " is a folder, not a PEM file");
    }

    @Test
    void a_client_trusts_the_ca_file_and_refuses_a_missing_one() {
        assertThat(TlsFiles.client(ca.caCert()).isRight()).isTrue();
        assertThat(TlsFiles.client(dir.resolve("no-ca.pem")).getLeft()).startsWith("no file at");
    }
}
