package io.streamrec.k8s;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The gateway's Jib container-image configuration: the {@code container-image} profile of rest-gateway/pom.xml. */
final class ContainerImage {
    static final String PROFILE = "container-image";
    /** Quarkus' default quarkus.jib.working-directory. */
    static final String DEFAULT_WORKING_DIRECTORY = "/home/jboss";

    private ContainerImage() {
    }

    /** The profile element, if the pom has it. */
    static Optional<Element> profile() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document pom = f.newDocumentBuilder().parse(Repo.root().resolve("rest-gateway/pom.xml").toFile());
            NodeList profiles = pom.getElementsByTagName("profile");
            for (int i = 0; i < profiles.getLength(); i++) {
                Element p = (Element) profiles.item(i);
                if (PROFILE.equals(text(p, "id"))) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        } catch (Exception e) {
            throw new IllegalStateException("reading rest-gateway/pom.xml", e);
        }
    }

    static Map<String, String> properties() {
        Map<String, String> props = new LinkedHashMap<>();
        profile().ifPresent(p -> {
            NodeList list = p.getElementsByTagName("properties");
            if (list.getLength() == 0) {
                return;
            }
            NodeList children = list.item(0).getChildNodes();
            for (int i = 0; i < children.getLength(); i++) {
                Node n = children.item(i);
                if (n instanceof Element e) {
                    props.put(e.getTagName(), e.getTextContent().strip());
                }
            }
        });
        return props;
    }

    static String workingDirectory() {
        return properties().getOrDefault("quarkus.jib.working-directory", DEFAULT_WORKING_DIRECTORY);
    }

    /** registry/group/name, as Quarkus composes the image reference (the tag is the project version). */
    static String repository() {
        Map<String, String> p = properties();
        return p.get("quarkus.container-image.registry") + "/" + p.get("quarkus.container-image.group") + "/"
                + p.get("quarkus.container-image.name");
    }

    static String text(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : l.item(0).getTextContent().strip();
    }
}
