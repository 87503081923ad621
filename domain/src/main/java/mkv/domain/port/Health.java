package mkv.domain.port;

import mkv.domain.HealthSnapshot;
/** The latest health of every volume, as the background checker last saw it. */
public interface Health {
    HealthSnapshot snapshot();
}
