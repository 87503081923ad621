package mkv.domain.flow;

import java.util.concurrent.ConcurrentHashMap;
import mkv.domain.Key;

/**
 * Which keys a request of this coordinator is changing right now. Never blocks: a second
 * writer of the same key is told at once that the key is busy (409).
 */
final class KeyLocks {
    private final ConcurrentHashMap<Key, Boolean> held = new ConcurrentHashMap<>();

    boolean tryLock(Key key) {
        return held.putIfAbsent(key, Boolean.TRUE) == null;
    }

    void unlock(Key key) {
        held.remove(key);
    }
}
