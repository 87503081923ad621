package mkv.adapter.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-connection settings: a reader's page cache stays small whatever the configured size. */
class SchemaTest {
    @TempDir
    Path dir;

    @Test
    void a_reader_keeps_at_most_8_MiB_of_page_cache_and_the_writer_the_configured_size() throws SQLException {
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"));
             Connection reader = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("r.db"));
             Connection small = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("s.db"))) {
            SqliteIndex.Options defaults = SqliteIndex.Options.defaults();
            Schema.configureWriter(writer, defaults);
            Schema.configureReader(reader, defaults);
            Schema.configureReader(small, new SqliteIndex.Options(4, 512, 20_000, SqliteIndex.Synchronous.NORMAL,
                    defaults.busyTimeout(), 2, defaults.mmapBytes(), 4000, true));
            assertThat(pragma(writer, "cache_size")).isEqualTo(-1024L * defaults.cacheMiB());
            assertThat(pragma(reader, "cache_size")).isEqualTo(-1024L * Schema.READER_CACHE_MIB);
            assertThat(pragma(small, "cache_size")).as("a smaller configured cache is kept").isEqualTo(-2048L);
        }
    }

    private static long pragma(Connection c, String name) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
