package io.streamrec.tools.sagemaker;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where SageMaker's built-in XGBoost container lives in each region: {@code ACCOUNT.dkr.ecr.REGION.DOMAIN/sagemaker-xgboost:TAG}.
 * The account ids are the ones AWS publishes for the XGBoost framework images ("Docker Registry Paths and Example Code"
 * in the SageMaker developer guide; the SageMaker Python SDK's {@code image_uris} tests list the same). A region missing
 * here is refused with the list of known ones; pass {@code --image} to give the URI yourself.
 */
public final class XgboostImages {
    public static final String DEFAULT_TAG = "1.7-1";

    static final Map<String, String> ACCOUNTS = new TreeMap<>(Map.ofEntries(
            Map.entry("af-south-1", "510948584623"),
            Map.entry("ap-east-1", "651117190479"),
            Map.entry("ap-northeast-1", "354813040037"),
            Map.entry("ap-northeast-2", "366743142698"),
            Map.entry("ap-northeast-3", "867004704886"),
            Map.entry("ap-south-1", "720646828776"),
            Map.entry("ap-southeast-1", "121021644041"),
            Map.entry("ap-southeast-2", "783357654285"),
            Map.entry("ca-central-1", "341280168497"),
            Map.entry("cn-north-1", "450853457545"),
            Map.entry("cn-northwest-1", "451049120500"),
            Map.entry("eu-central-1", "492215442770"),
            Map.entry("eu-north-1", "662702820516"),
            Map.entry("eu-south-1", "978288397137"),
            Map.entry("eu-west-1", "141502667606"),
            Map.entry("eu-west-2", "764974769150"),
            Map.entry("eu-west-3", "659782779980"),
            Map.entry("me-south-1", "801668240914"),
            Map.entry("sa-east-1", "737474898029"),
            Map.entry("us-east-1", "683313688378"),
            Map.entry("us-east-2", "257758044811"),
            Map.entry("us-gov-west-1", "414596584902"),
            Map.entry("us-west-1", "746614075791"),
            Map.entry("us-west-2", "246618743249")));

    private XgboostImages() {
    }

    /** The image URI for the region; {@link IllegalArgumentException} naming the known regions when it is not one. */
    public static String uri(String region, String tag) {
        String account = ACCOUNTS.get(region);
        if (account == null) {
            throw new IllegalArgumentException("no built-in XGBoost image known for region '" + region + "' (known: "
                    + String.join(", ", ACCOUNTS.keySet()) + "); give the image URI with --image");
        }
        String domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
        return account + ".dkr.ecr." + region + "." + domain + "/sagemaker-xgboost:" + tag;
    }
}
