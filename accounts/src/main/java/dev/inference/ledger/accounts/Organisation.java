package dev.inference.ledger.accounts;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The organisation an account pools the balance of: its projects, its members and their roles, its API keys. */
public record Organisation(Set<String> projects, Map<String, String> members, Set<String> apiKeys) {

    public static final List<String> ROLES = List.of("owner", "billing", "developer");
    public static final Organisation EMPTY = new Organisation(Set.of(), Map.of(), Set.of());

    public Organisation {
        projects = projects == null ? Set.of() : Set.copyOf(projects);
        members = members == null ? Map.of() : Map.copyOf(members);
        apiKeys = apiKeys == null ? Set.of() : Set.copyOf(apiKeys);
    }

    Organisation withProject(String projectId) {
        Set<String> next = new HashSet<>(projects);
        next.add(projectId);
        return new Organisation(next, members, apiKeys);
    }

    Organisation withMember(String memberId, String role) {
        Map<String, String> next = new HashMap<>(members);
        next.put(memberId, role);
        return new Organisation(projects, next, apiKeys);
    }

    Organisation withApiKey(String apiKeyId) {
        Set<String> next = new HashSet<>(apiKeys);
        next.add(apiKeyId);
        return new Organisation(projects, members, next);
    }
}
