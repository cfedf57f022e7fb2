package dev.inference.ledger.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ProblemsTest {

    @Test
    void a_problem_written_by_a_filter_is_a_problem_document_whatever_its_detail_holds() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        String detail = "quote \" backslash \\ newline \n tab \t control \u0001 and ünïcode ✓";

        Problems.write(response, 413, "body-too-large", "Payload too large", detail);

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        JsonNode problem = new ObjectMapper().readTree(response.getContentAsByteArray());
        assertThat(problem.get("type").asText()).isEqualTo("/problems/body-too-large");
        assertThat(problem.get("title").asText()).isEqualTo("Payload too large");
        assertThat(problem.get("status").asInt()).isEqualTo(413);
        assertThat(problem.get("detail").asText()).isEqualTo(detail);
        assertThat(problem.size()).isEqualTo(4);
    }
}
