package io.streamrec.ranker;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/** Names inside a model directory, and the shape of a version (the directory's name). */
public final class ModelFiles {

    /**
     * The booster in XGBoost's UBJSON format, under the name SageMaker's built-in XGBoost container looks for.
     * No extension: XGBoost tells UBJSON from JSON by the first bytes, the container loads it with
     * {@code Booster.load_model}, and its own training writes the same file the same way.
     */
    public static final String MODEL = "xgboost-model";
    /** {@link #MODEL} alone at the archive root: the container tries to load every file it unpacks as a model. */
    public static final String ARCHIVE = "model.tar.gz";
    public static final String FEATURES = FeatureSchema.FILE_NAME;
    public static final String METRICS = "metrics.json";
    public static final String LEARNING_CURVE = "learning-curve.png";
    public static final String FEATURE_IMPORTANCE = "feature-importance.png";
    public static final String SCORE_DISTRIBUTION = "score-distribution.png";

    /** {@code 20261122-142501}, UTC, optionally {@code -2}, {@code -3}... when two models land in the same second. */
    private static final Pattern VERSION = Pattern.compile("\\d{8}-\\d{6}(-\\d+)?");
    private static final DateTimeFormatter VERSION_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private ModelFiles() {
    }

    public static boolean isVersion(String name) {
        return VERSION.matcher(name).matches();
    }

    static String version(Instant time, int attempt) {
        String base = VERSION_TIME.format(time);
        return attempt <= 1 ? base : base + "-" + attempt;
    }

    /** Orders versions by time, then by same-second suffix ({@code -10} after {@code -9}). */
    static int compareVersions(String a, String b) {
        int byTime = a.substring(0, 15).compareTo(b.substring(0, 15));
        return byTime != 0 ? byTime : Integer.compare(suffix(a), suffix(b));
    }

    private static int suffix(String version) {
        return version.length() > 15 ? Integer.parseInt(version.substring(16)) : 1;
    }
}
