package io.streamrec.tools;

/** A failure the user should read as one clear line (no stack trace); ends the command with the exit code. */
public class ToolException extends RuntimeException {
    private final int exitCode;

    public ToolException(String message) {
        this(message, 1);
    }

    public ToolException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
