package mkv.adapter.sqlite;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import io.vavr.control.Option;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import mkv.domain.port.IndexFailure;

/**
 * How an entry maps to a row and back. The stored form is canonical (replicas sorted, times in
 * epoch millis), so comparing every column compares whole entries; a row that does not decode
 * to a valid entry in exactly that form is reported as corrupt, never repaired silently.
 */
final class Rows {
    private Rows() {}

    /** The columns, in the order every SELECT returns them and {@link #bind} binds them. */
    static final String COLUMNS = "key, state, replicas, size, md5, created, updated";

    /** Matches a row equal to an entry in every column; binds with {@link #bind}. */
    static final String EQUALS = "key = ? AND state = ? AND replicas = ? AND size = ? AND md5 IS ? AND created = ? AND updated = ?";

    // Explicit codes, not ordinals: reordering the enum must never change what the file means.
    static int code(EntryState state) {
        return switch (state) {
            case WRITING -> 0;
            case LIVE -> 1;
            case UNLINKED -> 2;
        };
    }

    private static EntryState state(int code) {
        return switch (code) {
            case 0 -> EntryState.WRITING;
            case 1 -> EntryState.LIVE;
            case 2 -> EntryState.UNLINKED;
            default -> throw new IllegalArgumentException("unknown state code " + code);
        };
    }

    static String replicas(Seq<Replica> replicas) {
        return replicas.mkString(",");
    }

    /** Binds all seven columns of {@code e} from parameter {@code at}; returns the next index. */
    static int bind(PreparedStatement ps, int at, Entry e) throws SQLException {
        ps.setBytes(at, e.key().bytes());
        return bindValues(ps, at + 1, e);
    }

    /** Binds the six columns after the key; returns the next parameter index. */
    static int bindValues(PreparedStatement ps, int at, Entry e) throws SQLException {
        ps.setInt(at, code(e.state()));
        ps.setString(at + 1, replicas(e.replicas()));
        ps.setLong(at + 2, e.size());
        if (e.md5().isDefined()) ps.setString(at + 3, e.md5().get().hex());
        else ps.setNull(at + 3, Types.VARCHAR);
        ps.setLong(at + 4, e.created().toEpochMilli());
        ps.setLong(at + 5, e.updated().toEpochMilli());
        return at + 6;
    }

    /** Reads the current row (selected as {@link #COLUMNS}) back into an entry. */
    static Entry entry(ResultSet rs) throws SQLException {
        byte[] raw = rs.getBytes(1);
        return entry(rs, key(raw), raw);
    }

    /** Reads the current row when the caller has already read its key's bytes (to check their order). */
    static Entry entry(ResultSet rs, byte[] raw) throws SQLException {
        return entry(rs, key(raw), raw);
    }

    /**
     * Reads the current row when its key is already known: a lookup by key selects exactly
     * that key's bytes (BLOB equality), so decoding them again would only rebuild the same key.
     */
    static Entry entry(ResultSet rs, Key known) throws SQLException {
        return entry(rs, known, null);
    }

    private static Entry entry(ResultSet rs, Key key, byte[] raw) throws SQLException {
        try {
            String stored = rs.getString(3);
            if (stored == null) throw new IllegalArgumentException("replicas are NULL");
            Seq<Replica> replicas = replicasOf(stored);
            String md5 = rs.getString(5);
            Option<Md5> digest = md5 == null ? Option.none() : Option.of(new Md5(md5));
            return new Entry(key, state(rs.getInt(2)), replicas, rs.getLong(4), digest,
                    Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)));
        } catch (IllegalArgumentException e) {
            throw corrupt(raw == null ? key.bytes() : raw, e.getMessage(), e);
        }
    }

    /**
     * Parsed and checked replica lists by their stored text. A cluster has few distinct
     * placements (a few per volume combination), and parsing one (a regex per volume, a sort)
     * was about a tenth of a GET's CPU. Bounded: emptied when full, so a huge cluster only
     * loses the shortcut, never memory.
     */
    private static final int REPLICA_CACHE_MAX = 4096;
    private static final ConcurrentHashMap<String, Seq<Replica>> REPLICAS = new ConcurrentHashMap<>();

    static Seq<Replica> replicasOf(String stored) {
        Seq<Replica> cached = REPLICAS.get(stored);
        if (cached != null) return cached;
        Seq<Replica> replicas = parseReplicas(stored);
        if (!replicas.equals(Entry.canonical(replicas))) {
            throw new IllegalArgumentException("replicas '" + stored + "' are not sorted and distinct");
        }
        if (REPLICAS.size() >= REPLICA_CACHE_MAX) REPLICAS.clear();
        REPLICAS.put(stored, replicas);
        return replicas;
    }

    /** Decodes a stored key strictly: invalid UTF-8 or an invalid key is corruption. */
    static Key key(byte[] raw) {
        if (raw == null) throw corrupt(null, "key is NULL", null);
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
            return new Key(text);
        } catch (CharacterCodingException e) {
            throw corrupt(raw, "key is not valid UTF-8", e);
        } catch (IllegalArgumentException e) {
            throw corrupt(raw, e.getMessage(), e);
        }
    }

    private static Seq<Replica> parseReplicas(String stored) {
        if (stored.isEmpty()) return List.empty();
        List<Replica> out = List.empty();
        for (String part : stored.split(",", -1)) {
            Either<String, Replica> r = Replica.parse(part);
            if (r.isLeft()) throw new IllegalArgumentException(r.getLeft());
            out = out.prepend(r.get());
        }
        return out.reverse();
    }

    private static IndexFailure corrupt(byte[] rawKey, String why, Throwable cause) {
        String which = rawKey == null ? "(no key)" : "with key bytes 0x" + HexFormat.of().formatHex(rawKey, 0, Math.min(rawKey.length, 64))
                + (rawKey.length > 64 ? "…" : "");
        return IndexFailure.corrupt("corrupt index row " + which + ": " + why, cause);
    }
}
