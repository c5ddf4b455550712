package dev.capstan.registry.domain;

/** How an alias came to point where it does. */
public enum MoveKind {
    /** Set to a chosen version: a promotion, or a first assignment. */
    SET,
    /** Moved back to an earlier version. */
    ROLLBACK,
    /** Removed: the alias points at nothing. */
    REMOVE
}
