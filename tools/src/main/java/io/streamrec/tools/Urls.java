package io.streamrec.tools;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Parses {@code http://a:8080,http://b:8081} lists of gateway base URLs. */
public final class Urls {
    private Urls() {
    }

    public static List<URI> parse(String csv) {
        List<URI> out = new ArrayList<>();
        for (String part : csv.split(",")) {
            String s = part.strip();
            if (s.isEmpty()) {
                continue;
            }
            while (s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
            URI uri;
            try {
                uri = URI.create(s);
            } catch (IllegalArgumentException e) {
                throw new ToolException("not a URL: '" + s + "'", 2);
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ToolException("not an http(s) URL: '" + s + "'", 2);
            }
            out.add(uri);
        }
        if (out.isEmpty()) {
            throw new ToolException("no URL given", 2);
        }
        return out;
    }

    public static URI resolve(URI base, String path) {
        return URI.create(base.toString() + path);
    }
}
