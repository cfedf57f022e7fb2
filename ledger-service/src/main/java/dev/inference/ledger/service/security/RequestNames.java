package dev.inference.ledger.service.security;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/** The name under which a request carries a handler's argument: its path variable, query parameter or header. */
public final class RequestNames {

    private RequestNames() {
    }

    /** The path variable's or query parameter's name of {@code parameter}, or null when it is neither. */
    public static String pathOrQueryName(Parameter parameter) {
        PathVariable path = parameter.getAnnotation(PathVariable.class);
        if (path != null) {
            return named(path.name(), path.value(), parameter);
        }
        RequestParam query = parameter.getAnnotation(RequestParam.class);
        if (query != null) {
            return named(query.name(), query.value(), parameter);
        }
        return null;
    }

    /** Like {@link #pathOrQueryName}, and also a header's name. */
    public static String requestName(Parameter parameter) {
        RequestHeader header = parameter.getAnnotation(RequestHeader.class);
        return header != null ? named(header.name(), header.value(), parameter) : pathOrQueryName(parameter);
    }

    private static String named(String name, String value, Parameter parameter) {
        return !name.isEmpty() ? name : !value.isEmpty() ? value : parameter.getName();
    }

    public static Object read(RecordComponent component, Object record) {
        try {
            var accessor = component.getAccessor();
            accessor.setAccessible(true); // request records are package-private in their controller's package
            return accessor.invoke(record);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
