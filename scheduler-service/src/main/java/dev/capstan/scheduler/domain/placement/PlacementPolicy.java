package dev.capstan.scheduler.domain.placement;

/**
 * Chooses where a gang goes. Implementations never change the cluster state they are given (the caller
 * commits the result with {@link ClusterState#commit}); they may keep their own learning state.
 */
public interface PlacementPolicy {

    /** The policy's name as {@link PlacementPolicies#byName} knows it. */
    String name();

    /** Places the whole gang or explains why it cannot be placed now. */
    PlacementResult place(ClusterState cluster, GangRequest gang);
}
