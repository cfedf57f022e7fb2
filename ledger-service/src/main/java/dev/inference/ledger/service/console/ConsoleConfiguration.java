package dev.inference.ledger.service.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The staff console: static files (src/main/resources/static/console), no build step and nothing fetched
 * from elsewhere at run time. {@code /console} and {@code /console/} open its page.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleConfiguration implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/console", "/console/");
        registry.addViewController("/console/").setViewName("forward:/console/index.html");
        // The customer portal, served the same way.
        registry.addRedirectViewController("/portal", "/portal/");
        registry.addViewController("/portal/").setViewName("forward:/portal/index.html");
    }
}
