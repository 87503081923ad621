/**
 * The SQLite index: one table in WAL mode, a small pool of read-only connections, and one
 * writer thread that owns the only write connection and commits concurrent requests together.
 * Every SQL failure and every unreadable row surfaces as {@link mkv.domain.port.IndexFailure}.
 */
package mkv.adapter.sqlite;
