package dev.capstan.registry.rest;

/** A query or path parameter that cannot be read: 400 naming the parameter. */
public class BadParameterException extends RuntimeException {
    private final String parameter;
    private final String problem;

    public BadParameterException(String parameter, String problem) {
        super(parameter + ": " + problem);
        this.parameter = parameter;
        this.problem = problem;
    }

    public String problem() {
        return problem;
    }

    public String parameter() {
        return parameter;
    }
}
