{#- A vocabulary's match keys are written in the form text_keys.sql's match_key() produces,
    or no delivered value could ever meet them. -#}
{% test is_match_key(model, column_name) %}
select {{ column_name }} from {{ model }}
where {{ column_name }} is distinct from {{ match_key(column_name) }}
{% endtest %}
