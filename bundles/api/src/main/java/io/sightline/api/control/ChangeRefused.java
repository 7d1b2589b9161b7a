package io.sightline.api.control;

import java.util.List;

/** A change that was refused as a whole: nothing was written. */
public final class ChangeRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why, each with the HTTP status the admin API answers. */
    public enum Reason {
        /** The stream name has characters outside {@code [A-Za-z0-9_-]} or is too long (400). */
        BAD_NAME(400),
        /** No stream of that name is defined by a file (404). */
        NO_SUCH_STREAM(404),
        /** A stream of that name exists already (409). */
        EXISTS(409),
        /** The caller's version is not the current one: someone else changed the stream meanwhile (412). */
        STALE(412),
        /** One or more properties are unknown, of the wrong type or out of range; see {@link #problems()} (422). */
        INVALID(422),
        /** The file could not be written (500). */
        STORAGE(500);

        private final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /** The HTTP status the admin API answers. */
        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Reason reason;
    private final transient List<Problem> problems;

    /** A refusal with one problem per offending property. */
    public ChangeRefused(Reason reason, List<Problem> problems) {
        super(summary(problems));
        this.reason = reason;
        this.problems = List.copyOf(problems);
    }

    /** A refusal with one problem. */
    public ChangeRefused(Reason reason, String key, String message) {
        this(reason, List.of(new Problem(key, message)));
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }

    /** One entry per offending property (at least one). */
    public List<Problem> problems() {
        return problems;
    }

    private static String summary(List<Problem> problems) {
        StringBuilder s = new StringBuilder();
        for (Problem p : problems) {
            if (s.length() > 0) {
                s.append("; ");
            }
            s.append(p.key().isEmpty() ? "" : p.key() + ": ").append(p.message());
        }
        return s.toString();
    }
}
