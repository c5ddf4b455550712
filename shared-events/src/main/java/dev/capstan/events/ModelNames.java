package dev.capstan.events;

import java.util.regex.Pattern;

/**
 * The shape of model names and aliases, part of the contract: a training job's output and an inference
 * service's model reference ({@code name@alias} or {@code name:version}) are checked by the service that accepts
 * them with the same rules model-registry applies.
 */
public final class ModelNames {

    /** 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit ('@', ':' and '/' are separators). */
    public static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** A DNS label (RFC 1123), as Kubernetes and URLs carry it: 1-63 lower-case letters, digits or '-'. */
    public static final Pattern ALIAS = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** Aliases that would read as something else: {@code latest} and version-like {@code v7}, as MLflow reserves. */
    public static final Pattern RESERVED_ALIAS = Pattern.compile("latest|v[0-9]+");

    private ModelNames() {
    }

    /** Why {@code name} is not a model name, or null when it is one. */
    public static String modelNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "is required";
        }
        return MODEL.matcher(name).matches() ? null
                : "must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit";
    }

    /** Why {@code alias} is not an alias, or null when it is one. */
    public static String aliasProblem(String alias) {
        if (alias == null || alias.isEmpty()) {
            return "is required";
        }
        if (!ALIAS.matcher(alias).matches()) {
            return "must be a DNS label: 1-63 lower-case letters, digits or '-', starting and ending with a letter "
                    + "or digit";
        }
        return RESERVED_ALIAS.matcher(alias).matches() ? "'" + alias + "' is reserved (latest and v<N> name versions)"
                : null;
    }
}
