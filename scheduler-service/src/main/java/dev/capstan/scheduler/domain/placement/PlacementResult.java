package dev.capstan.scheduler.domain.placement;

/** The outcome of placing a gang: all of it, or nothing with a reason a user can read. */
public sealed interface PlacementResult {

    /** Every pod of the gang has a place. */
    record Placed(GangPlacement placement) implements PlacementResult {
    }

    /** The gang does not fit now; {@code reason} says why in words an end user understands. */
    record Unschedulable(String reason) implements PlacementResult {
    }
}
