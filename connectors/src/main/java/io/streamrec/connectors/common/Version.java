package io.streamrec.connectors.common;

/** The connectors' version, as Connect reports it for each plugin. */
public final class Version {
    private static final String VERSION;

    static {
        String v = Version.class.getPackage().getImplementationVersion();
        VERSION = v == null ? "0.1.0-SNAPSHOT" : v;
    }

    private Version() {
    }

    public static String get() {
        return VERSION;
    }
}
