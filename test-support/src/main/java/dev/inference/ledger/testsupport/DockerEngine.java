package dev.inference.ledger.testsupport;

/** Whether Testcontainers can reach a Docker engine; its classes load only when they are present. */
final class DockerEngine {

    private static volatile Boolean available;

    private DockerEngine() {
    }

    static boolean available() {
        if (available == null) {
            available = probe();
        }
        return available;
    }

    private static boolean probe() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory");
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
