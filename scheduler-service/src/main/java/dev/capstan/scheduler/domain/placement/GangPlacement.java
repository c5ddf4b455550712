package dev.capstan.scheduler.domain.placement;

import java.util.List;
import java.util.Objects;

/** The placement of every pod of a gang. */
public record GangPlacement(String gangId, List<PodPlacement> pods) {

    public GangPlacement {
        Objects.requireNonNull(gangId, "gangId");
        pods = List.copyOf(pods);
    }
}
