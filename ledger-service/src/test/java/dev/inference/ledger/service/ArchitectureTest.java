package dev.inference.ledger.service;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The module boundaries of the README, checked on the compiled classes of every module. */
class ArchitectureTest {

    private static final JavaClasses LEDGER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.inference.ledger");

    @Test
    void shared_kernel_depends_on_no_framework_but_jackson() {
        classes().that().resideInAPackage("dev.inference.ledger.kernel..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.inference.ledger.kernel..", "java..",
                        // The JDK's own crypto: the webhook signer and verifier's HMAC.
                        "javax.crypto..", "com.fasterxml.jackson..")
                .check(LEDGER);
    }

    @Test
    void ingest_never_depends_on_the_ledger_service_or_axon() {
        noClasses().that().resideInAPackage("dev.inference.ledger.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.inference.ledger.service..", "org.axonframework..",
                        "org.springframework..")
                .check(LEDGER);
    }

    /** Not "allowEmptyShould": kernel and ingest have classes today, so the rule checks something while invoicing is empty. */
    @Test
    void no_module_the_ledger_service_builds_on_depends_on_it() {
        noClasses().that().resideInAnyPackage("dev.inference.ledger.kernel..", "dev.inference.ledger.ingest..",
                        "dev.inference.ledger.invoicing..", "dev.inference.ledger.accounts..", "dev.inference.ledger.audit..",
                        "dev.inference.ledger.webhooks..", "dev.inference.ledger.notifications..", "dev.inference.ledger.processing..",
                        "dev.inference.ledger.payments..")
                .should().dependOnClassesThat().resideInAPackage("dev.inference.ledger.service..")
                .check(LEDGER);
    }

    @Test
    void shared_kernel_is_free_of_axon_and_spring() {
        noClasses().that().resideInAPackage("dev.inference.ledger.kernel..")
                .should().dependOnClassesThat().resideInAnyPackage("org.axonframework..", "org.springframework..")
                .check(LEDGER);
    }

    /**
     * The invoice's aggregate, rules and documents use Axon and no Spring; its processes (process/) are Spring components
     * on the service's database. Neither depends on the service: it wires them.
     */
    @Test
    void the_invoice_decides_free_of_spring_and_invoicing_never_depends_on_the_service() {
        noClasses().that().resideInAPackage("dev.inference.ledger.invoicing")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "dev.inference.ledger.invoicing.process..")
                .check(LEDGER);
        noClasses().that().resideInAPackage("dev.inference.ledger.invoicing..")
                .should().dependOnClassesThat().resideInAPackage("dev.inference.ledger.service..")
                .check(LEDGER);
    }

    /**
     * The account and its rules decide and remember, nothing else: Axon for the aggregate, the kernel's events and
     * money, Jackson for its snapshot; no Spring, no database, no HTTP, no other module.
     */
    @Test
    void accounts_decide_with_pure_rules_free_of_spring_the_database_and_the_other_modules() {
        classes().that().resideInAPackage("dev.inference.ledger.accounts..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.inference.ledger.accounts..", "dev.inference.ledger.kernel..",
                        "java..", "org.axonframework..", "com.fasterxml.jackson..")
                .check(LEDGER);
    }

    /** The six rules of what usage triggers are pure: they neither call Axon nor know the aggregate that asks them. */
    @Test
    void the_rules_of_the_account_are_pure_functions() {
        noClasses().that().resideInAPackage("dev.inference.ledger.accounts..")
                .and().haveSimpleNameEndingWith("Rules").or().haveSimpleName("Triggers").or().haveSimpleName("TierPromotion")
                .or().haveSimpleName("ThresholdInvoice").or().haveSimpleName("BudgetCap").or().haveSimpleName("LowBalance")
                .or().haveSimpleName("AutoRechargeTrigger").or().haveSimpleName("Suspension")
                .should().dependOnClassesThat().resideInAPackage("org.axonframework..")
                .orShould().dependOnClassesThat().haveSimpleName("Account")
                .check(LEDGER);
    }

    /** The auditor's tools run on their own (their jar, or the service's): only the store's tables, never the service. */
    @Test
    void audit_is_free_of_spring_kafka_and_the_service() {
        noClasses().that().resideInAPackage("dev.inference.ledger.audit..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
                        "dev.inference.ledger.service..", "dev.inference.ledger.ingest..", "dev.inference.ledger.invoicing..")
                .check(LEDGER);
    }

    @Test
    void controllers_only_translate_they_never_touch_the_database() {
        noClasses().that().resideInAPackage("dev.inference.ledger.service.api..")
                .and().haveSimpleNameEndingWith("Controller")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.jdbc..", "java.sql..")
                .check(LEDGER);
    }
}
