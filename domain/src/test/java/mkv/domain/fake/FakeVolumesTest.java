package mkv.domain.fake;

import mkv.domain.Gens;
import mkv.domain.Volume;
import mkv.domain.port.VolumesContract;

/** The fake holds to the same contract as the nginx volumes, so use-case tests on it mean something. */
class FakeVolumesTest extends VolumesContract<FakeVolumes> {

    private static final Volume DOWN = new Volume("down.test", 9);

    private final FakeVolumes volumes = new FakeVolumes().down(DOWN);

    @Override
    protected FakeVolumes volumes() {
        return volumes;
    }

    @Override
    protected Volume up(int i) {
        return Gens.volume(i + 1);
    }

    @Override
    protected Volume down() {
        return DOWN;
    }
}
