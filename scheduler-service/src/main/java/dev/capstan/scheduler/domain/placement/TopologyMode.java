package dev.capstan.scheduler.domain.placement;

/**
 * How strongly a gang wants its pods close together.
 * NONE: anywhere. PREFER: same node, else same rack, else same zone, else anywhere.
 * REQUIRE: all pods in one rack (one node when nodes carry no rack label), or not at all.
 */
public enum TopologyMode { NONE, PREFER, REQUIRE }
