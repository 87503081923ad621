package mkv.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How {@code --db} picks an index adapter: a path stays a SQLite file, a scheme this build lacks is refused by name. */
class IndexLocationTest {

    @Test
    void a_plain_path_is_a_sqlite_file_as_before() {
        assertThat(IndexLocation.parse("/var/lib/mkv/index.db").get()).isEqualTo(new IndexLocation.SqliteFile(Path.of("/var/lib/mkv/index.db")));
        assertThat(IndexLocation.parse("index.db").get()).isEqualTo(new IndexLocation.SqliteFile(Path.of("index.db")));
        // A colon inside a file name is still a path: only NAME:// is a scheme.
        assertThat(IndexLocation.parse("backup:2026.db").get()).isEqualTo(new IndexLocation.SqliteFile(Path.of("backup:2026.db")));
    }

    @Test
    void the_sqlite_scheme_names_the_same_file() {
        assertThat(IndexLocation.parse("sqlite:index.db").get()).isEqualTo(new IndexLocation.SqliteFile(Path.of("index.db")));
        assertThat(IndexLocation.parse("sqlite:///var/lib/mkv/index.db").get())
                .isEqualTo(new IndexLocation.SqliteFile(Path.of("/var/lib/mkv/index.db")));
    }

    @Test
    void another_scheme_is_refused_by_name_with_what_this_build_has() {
        assertThat(IndexLocation.parse("postgres://db.example/mkv").getLeft())
                .contains("'postgres://'").contains("sqlite:PATH");
    }

    @Test
    void nothing_is_refused() {
        assertThat(IndexLocation.parse("").isLeft()).isTrue();
        assertThat(IndexLocation.parse("  ").isLeft()).isTrue();
        assertThat(IndexLocation.parse("sqlite:").getLeft()).contains("names no file");
        assertThat(IndexLocation.parse("bad\0path").getLeft()).contains("not a path");
    }

    @Test
    void the_admin_commands_refuse_a_scheme_they_cannot_open_as_a_usage_error() {
        var out = new java.io.StringWriter();
        var cli = new picocli.CommandLine(new VerifyCommand()).setErr(new java.io.PrintWriter(out));
        int code = cli.execute("--volumes", "127.0.0.1:1", "--db", "postgres://db/mkv");
        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).contains("--db").contains("no index adapter for 'postgres://'");
    }
}
