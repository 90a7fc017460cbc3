package io.streamrec.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where kubectl or the CRDs are missing, the tests fail and say what is missing and where it is expected. */
class MissingToolsTest {
    @Test
    void withoutKubectlTheFailureNamesIt(@TempDir Path tmp) {
        Path absent = tmp.resolve("bin/kubectl");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Rendered.render(Repo.overlay("dev"), absent.toString()));
        assertTrue(e.getMessage().startsWith(absent + " cannot be run: kubectl is not on the PATH"), e.getMessage());
        assertTrue(e.getMessage().contains("`kubectl kustomize`"), e.getMessage());
    }

    @Test
    void withoutTheCrdsTheFailureNamesWhereTheyBelong(@TempDir Path tmp) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Repo.strimziSchemasAt(tmp));
        assertTrue(e.getMessage().startsWith("the Strimzi 0.51.0 CustomResourceDefinitions are not at " + tmp), e.getMessage());
        assertTrue(e.getMessage().contains("shared/k8s-schemas/strimzi-0.51.0"), e.getMessage());
    }
}
