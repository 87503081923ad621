package mkv.domain.fake;

import mkv.domain.port.Index;
import mkv.domain.port.IndexContract;

/** The fake holds to the same contract as the SQLite index, so use-case tests on it mean something. */
class InMemoryIndexTest extends IndexContract {
    @Override
    protected Index newIndex() {
        return new InMemoryIndex();
    }
}
