{#- Keys for comparing Vietnamese text as people write it: composed or decomposed Unicode,
    any case, stray spaces, old- or new-style tone placement, with or without accents.
    Keys are for matching only; what is published keeps the reference spelling. -#}

{#- NFC, lower case, runs of spaces/underscores/commas/semicolons as one space, no space
    around '-' or '/', trimmed. Underscores count as spaces so that labour's snake_case codes
    (tu_van_tam_ly) and the words they stand for (Tư vấn tâm lý) meet. -#}
{% macro normalised_text(text) -%}
    trim(regexp_replace(regexp_replace(lower(nfc_normalize({{ text }})), '[\s_,;]+', ' ', 'g'), ' ?([-/]) ?', '\1', 'g'))
{%- endmacro %}

{#- Old-style tone placement on oa, oe and uy (tone on the second vowel of an open syllable)
    and its canonical form here (tone on the first): Hoà = Hòa, Khoẻ = Khỏe, Thuỷ = Thủy. -#}
{% macro tone_moves() %}
    {{ return([
        ('oà', 'òa'), ('oá', 'óa'), ('oả', 'ỏa'), ('oã', 'õa'), ('oạ', 'ọa'),
        ('oè', 'òe'), ('oé', 'óe'), ('oẻ', 'ỏe'), ('oẽ', 'õe'), ('oẹ', 'ọe'),
        ('uỳ', 'ùy'), ('uý', 'úy'), ('uỷ', 'ủy'), ('uỹ', 'ũy'), ('uỵ', 'ụy'),
    ]) }}
{% endmacro %}

{#- Accent-aware key: normalised text with tone marks in one canonical place. A move applies
    only at the end of a syllable (next character not a letter), where both styles exist:
    'hoàng', 'quỳnh' have one spelling and are left alone. -#}
{% macro accent_key(text) -%}
    {%- set key = namespace(sql=normalised_text(text)) -%}
    {%- for old, new in tone_moves() -%}
        {%- set key.sql = "regexp_replace(" ~ key.sql ~ ", '" ~ old ~ "(\\P{L}|$)', '" ~ new ~ "\\1', 'g')" -%}
    {%- endfor -%}
    {{ key.sql }}
{%- endmacro %}

{#- Accent-free key: normalised text without diacritics, đ as d ('Đống Đa' = 'dong da'). -#}
{% macro match_key(text) -%}
    replace(strip_accents({{ normalised_text(text) }}), 'đ', 'd')
{%- endmacro %}
