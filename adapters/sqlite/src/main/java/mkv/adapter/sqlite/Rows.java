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
import mkv.domain.HeldGeneration;
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
    static final String COLUMNS = "key, state, replicas, size, md5, created, updated, generation, pending, retired, lost_from, owed";

    /** Matches a row equal to an entry in every column; binds with {@link #bind}. */
    static final String EQUALS = "key = ? AND state = ? AND replicas = ? AND size = ? AND md5 IS ? AND created = ? AND updated = ?"
            + " AND generation = ? AND pending IS ? AND retired IS ? AND lost_from IS ? AND owed = ?";

    /** Parameters {@link #bind} binds: every column. */
    static final int PARAMETERS = 12;

    // Explicit codes, not ordinals: reordering the enum must never change what the file means.
    static int code(EntryState state) {
        return switch (state) {
            case WRITING -> 0;
            case LIVE -> 1;
            case UNLINKED -> 2;
            case LOST -> 3;
        };
    }

    static EntryState state(int code) {
        return switch (code) {
            case 0 -> EntryState.WRITING;
            case 1 -> EntryState.LIVE;
            case 2 -> EntryState.UNLINKED;
            case 3 -> EntryState.LOST;
            default -> throw new IllegalArgumentException("unknown state code " + code);
        };
    }

    private static boolean owed(int stored) {
        if (stored != 0 && stored != 1) throw new IllegalArgumentException("owed is " + stored + ", not 0 or 1");
        return stored == 1;
    }

    static String replicas(Seq<Replica> replicas) {
        return replicas.mkString(",");
    }

    /** Binds all columns of {@code e} from parameter {@code at}; returns the next index. */
    static int bind(PreparedStatement ps, int at, Entry e) throws SQLException {
        ps.setBytes(at, e.key().bytes());
        return bindValues(ps, at + 1, e);
    }

    /** Binds the columns after the key; returns the next parameter index. */
    static int bindValues(PreparedStatement ps, int at, Entry e) throws SQLException {
        ps.setInt(at, code(e.state()));
        ps.setString(at + 1, replicas(e.replicas()));
        ps.setLong(at + 2, e.size());
        if (e.md5().isDefined()) ps.setString(at + 3, e.md5().get().hex());
        else ps.setNull(at + 3, Types.VARCHAR);
        ps.setLong(at + 4, e.created().toEpochMilli());
        ps.setLong(at + 5, e.updated().toEpochMilli());
        ps.setLong(at + 6, e.generation());
        String pending = held(e.pending().toList());
        if (pending == null) ps.setNull(at + 7, Types.VARCHAR);
        else ps.setString(at + 7, pending);
        String retired = held(e.retired());
        if (retired == null) ps.setNull(at + 8, Types.VARCHAR);
        else ps.setString(at + 8, retired);
        if (e.lostFrom().isDefined()) ps.setInt(at + 9, code(e.lostFrom().get()));
        else ps.setNull(at + 9, Types.INTEGER);
        ps.setInt(at + 10, e.owed() ? 1 : 0);
        return at + 11;
    }

    /**
     * The compact text of held generations: {@code <generation> <since epoch millis> <replicas>}
     * each, joined by {@code ;} (neither a replica nor a number contains a space or {@code ;});
     * NULL for none, so a row with nothing held stores nothing.
     */
    static String held(Seq<HeldGeneration> held) {
        if (held.isEmpty()) return null;
        return held.map(h -> h.generation() + " " + h.since().toEpochMilli() + " " + replicas(h.replicas())).mkString(";");
    }

    static Seq<HeldGeneration> heldOf(String stored) {
        if (stored == null) return List.empty();
        if (stored.isEmpty()) throw new IllegalArgumentException("held generations are an empty text, not NULL");
        List<HeldGeneration> out = List.empty();
        for (String one : stored.split(";", -1)) {
            String[] parts = one.split(" ", -1);
            if (parts.length != 3) throw new IllegalArgumentException("held generation '" + one + "' is not '<generation> <since> <replicas>'");
            long generation;
            long since;
            try {
                generation = Long.parseLong(parts[0]);
                since = Long.parseLong(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("held generation '" + one + "' has a bad number");
            }
            Seq<Replica> replicas = replicasOf(parts[2]);
            out = out.prepend(new HeldGeneration(generation, replicas, Instant.ofEpochMilli(since)));
        }
        Seq<HeldGeneration> read = out.reverse();
        if (!read.equals(read.sortBy(HeldGeneration::generation))) throw new IllegalArgumentException("held generations are not in order");
        return read;
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
            Seq<HeldGeneration> pending = heldOf(rs.getString(9));
            if (pending.size() > 1) throw new IllegalArgumentException("more than one pending write");
            int lostFrom = rs.getInt(11);
            Option<EntryState> was = rs.wasNull() ? Option.none() : Option.some(state(lostFrom));
            return new Entry(key, state(rs.getInt(2)), replicas, rs.getLong(4), digest,
                    Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)),
                    rs.getLong(8), pending.headOption(), heldOf(rs.getString(10)), was, owed(rs.getInt(12)));
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
        if (!replicas.equals(Replica.canonical(replicas))) {
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
