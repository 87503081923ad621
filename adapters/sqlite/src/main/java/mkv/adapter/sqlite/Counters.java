package mkv.adapter.sqlite;

import java.util.List;

/**
 * The triggers that keep {@code entry_counts} (keys and bytes by state) and {@code volume_counts}
 * (replicas and bytes by volume) equal to what a full count of entries would say, in the same
 * transaction as each change. Every INSERT, UPDATE and DELETE of entries goes through them, the
 * rebuild's upserts included (SQLite fires the UPDATE triggers when an upsert updates).
 *
 * <p>A row's replicas are stored as {@code host:port/NN,host:port/NN}; SQLite splits them with
 * {@code json_each} over the list written as a JSON array (no replica contains a comma; a
 * backslash or quote in a host is escaped), since a trigger may not use a recursive query. Volume
 * counts cover the replicas of each row's current value in every state but WRITING (whose replicas
 * may not hold anything yet): so a PUT's first write, its WRITING row, splits no replica list, and a
 * rolled-back PUT none at all. Pending and retired generations are not counted (few, short-lived).
 */
final class Counters {
    private Counters() {}

    /** The volume of a replica, {@code host:port} before its {@code /NN}, from json_each's {@code value}. */
    static final String VOLUME = "substr(r.value, 1, instr(r.value, '/') - 1)";

    /** The replicas of the row {@code row} (NEW, OLD or an alias) as a table {@code r}. */
    static String replicasOf(String row) {
        String escaped = "replace(replace(" + row + ".replicas, '\\', '\\\\'), '\"', '\\\"')";
        return "json_each('[\"' || replace(" + escaped + ", ',', '\",\"') || '\"]') AS r";
    }

    private static String addState(String row) {
        return "INSERT INTO entry_counts (state, keys, bytes) VALUES (" + row + ".state, 1, " + row + ".size)"
                + " ON CONFLICT (state) DO UPDATE SET keys = keys + 1, bytes = bytes + excluded.bytes;";
    }

    private static String subtractState(String row) {
        return "UPDATE entry_counts SET keys = keys - 1, bytes = bytes - " + row + ".size WHERE state = " + row + ".state;";
    }

    /** Whether the row's replicas count on their volumes: every state but WRITING. */
    static String stored(String row) {
        return row + ".state NOT IN (" + Rows.code(mkv.domain.EntryState.WRITING) + ", " + Rows.code(mkv.domain.EntryState.LOST) + ")"
                + " AND " + row + ".replicas <> ''";
    }

    private static String addVolumes(String row) {
        return "INSERT INTO volume_counts (volume, replicas, bytes) SELECT " + VOLUME + ", 1, " + row + ".size FROM " + replicasOf(row)
                + " WHERE " + stored(row)
                + " ON CONFLICT (volume) DO UPDATE SET replicas = replicas + 1, bytes = bytes + excluded.bytes;";
    }

    private static String subtractVolumes(String row) {
        return "UPDATE volume_counts SET replicas = replicas - 1, bytes = bytes - " + row + ".size"
                + " WHERE " + stored(row) + " AND volume IN (SELECT " + VOLUME + " FROM " + replicasOf(row) + ");";
    }

    /** The triggers, created by the {@link Schema#COUNTERS} step. */
    static final List<String> TRIGGERS = List.of(
            "CREATE TRIGGER IF NOT EXISTS entries_count_insert AFTER INSERT ON entries BEGIN "
                    + addState("NEW") + addVolumes("NEW") + " END",
            "CREATE TRIGGER IF NOT EXISTS entries_count_delete AFTER DELETE ON entries BEGIN "
                    + subtractState("OLD") + subtractVolumes("OLD") + " END",
            // Most updates change neither (a conditional rewrite of the same state and size is
            // rare, but a replace of the pending column is common): WHEN skips the work then.
            "CREATE TRIGGER IF NOT EXISTS entries_count_state AFTER UPDATE OF state, size ON entries"
                    + " WHEN OLD.state IS NOT NEW.state OR OLD.size IS NOT NEW.size BEGIN "
                    + subtractState("OLD") + addState("NEW") + " END",
            "CREATE TRIGGER IF NOT EXISTS entries_count_volumes AFTER UPDATE OF state, replicas, size ON entries"
                    + " WHEN OLD.replicas IS NOT NEW.replicas OR OLD.size IS NOT NEW.size OR (" + stored("OLD") + ") IS NOT (" + stored("NEW")
                    + ") BEGIN "
                    + subtractVolumes("OLD") + addVolumes("NEW") + " END");
}
