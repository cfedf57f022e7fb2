package dev.inference.ledger.service.api;

import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.JsonErrorReportValve;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.inference.ledger.service.security.SecurityConfiguration;

/** The HTTP door: body size, input bounds on every handler, and the OpenAPI document's short address. */
@Configuration(proxyBeanMethods = false)
public class ApiBoundaryConfiguration implements WebMvcConfigurer {

    /** After the access rule, whose interceptor keeps Spring Security's default (first) order. */
    private static final int BOUNDS_ORDER = 1_000;

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor requestBounds() {
        DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(SecurityConfiguration.apiHandlers(), new RequestBounds());
        advisor.setOrder(BOUNDS_ORDER);
        return advisor;
    }

    @Bean
    FilterRegistrationBean<BodyLimit> bodyLimit() {
        FilterRegistrationBean<BodyLimit> registration = new FilterRegistrationBean<>(new BodyLimit());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /**
     * What Tomcat refuses itself, before Spring sees the request (a request line or headers over its 8 KiB,
     * a malformed request), is answered in JSON rather than an HTML page.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorsFromTomcat() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                // Neither the request (it may be 8 KiB of an attacker's bytes) nor the server is described.
                JsonErrorReportValve valve = new JsonErrorReportValve();
                valve.setShowReport(false);
                valve.setShowServerInfo(false);
                host.getPipeline().addValve(valve);
                host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            }
        });
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController("/openapi.yaml").setViewName("forward:/v3/api-docs.yaml");
    }
}
