package dev.capstan.scheduler.domain.placement;

/** Node label keys that carry topology, and helpers to read them. */
public final class Topology {

    /** Rack of a node: nodes in one rack share a top-of-rack switch. */
    public static final String RACK = "topology.capstan.dev/rack";
    /** Zone of a node: a group of racks. */
    public static final String ZONE = "topology.capstan.dev/zone";

    private Topology() {
    }

    /** The rack label of a node, or {@code ""} when it has none. */
    public static String rackOf(NodeSpec node) {
        return node.labels().getOrDefault(RACK, "");
    }

    /** The zone label of a node, or {@code ""} when it has none. */
    public static String zoneOf(NodeSpec node) {
        return node.labels().getOrDefault(ZONE, "");
    }
}
