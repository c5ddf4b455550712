package dev.capstan.registry.domain;

/** Whether a version can be served: an alias may point only at a READY version. */
public enum VersionStatus {
    READY, FAILED
}
