package io.streamrec.k8s;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway image is what the overlays deploy, and a normal build never builds one; the Connect image matches. */
class ContainerImageTest {
    @Test
    void theJibProfileIsOffByDefaultAndNeverBuildsUnlessAsked() throws IOException {
        Element profile = ContainerImage.profile().orElseThrow(() -> new AssertionError("rest-gateway/pom.xml has no "
                + ContainerImage.PROFILE + " profile"));
        assertEquals(0, profile.getElementsByTagName("activation").getLength(), "the profile must not activate itself");
        Map<String, String> p = ContainerImage.properties();
        assertEquals("false", p.get("quarkus.container-image.build"));
        assertEquals("false", p.get("quarkus.container-image.push"));
        String packaged = Files.readString(Repo.packagedGatewayProperties());
        assertFalse(packaged.matches("(?s).*quarkus\\.container-image\\.(build|push)\\s*=\\s*true.*"));
        // the extension is only a dependency of the profile, not of every build
        String pom = Files.readString(Repo.root().resolve("rest-gateway/pom.xml"));
        String outsideProfiles = pom.substring(0, pom.indexOf("<profiles>"));
        assertFalse(outsideProfiles.contains("<artifactId>quarkus-container-image"), "a container-image artifact outside the profile");
    }

    @Test
    void bothOverlaysDeployTheImageJibPushes() {
        for (String overlay : new String[]{"dev", "prod"}) {
            String image = Rendered.overlay(overlay).gatewayContainer().path("image").asText();
            assertEquals(ContainerImage.repository(), image.substring(0, image.lastIndexOf(':')), overlay);
            assertEquals("0.1.0-SNAPSHOT", image.substring(image.lastIndexOf(':') + 1), overlay + ": the project version");
        }
        assertEquals(String.valueOf(185), ContainerImage.properties().get("quarkus.jib.user"));
        assertEquals(185, Rendered.overlay("prod").gatewayStatefulSet().orElseThrow().path("spec").path("template")
                .path("spec").path("securityContext").path("runAsUser").asInt());
    }

    @Test
    void theConnectImageIsStrimzisKafkaImageOfTheVersionConnectRuns() throws IOException {
        String dockerfile = Files.readString(Repo.k8s().resolve("connect-image/Dockerfile"));
        String version = Rendered.overlay("prod").one("KafkaConnect", "streamrec-connect").path("spec").path("version").asText();
        Matcher kafka = Pattern.compile("ARG KAFKA_VERSION=(\\S+)").matcher(dockerfile);
        Matcher strimzi = Pattern.compile("ARG STRIMZI_VERSION=(\\S+)").matcher(dockerfile);
        assertTrue(kafka.find() && strimzi.find(), dockerfile);
        assertEquals(version, kafka.group(1));
        assertEquals("0.51.0", strimzi.group(1));
        assertTrue(dockerfile.contains("FROM quay.io/strimzi/kafka:${STRIMZI_VERSION}-kafka-${KAFKA_VERSION}"));
        // the same plugin directory name as spec.build
        String plugin = Rendered.overlay("prod").one("KafkaConnect", "streamrec-connect").path("spec").path("build")
                .path("plugins").get(0).path("name").asText();
        assertTrue(dockerfile.contains("/opt/kafka/plugins/" + plugin + "/"), dockerfile);
    }
}
