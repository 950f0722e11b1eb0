-- app_private.screen_prompt: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Prompt-injection screening (the rules of src/llm/safety.ts detectInjection, tested against one shared corpus, tests/security/screening-corpus.json): stable "code: description" reasons, empty when nothing matched.
CREATE OR REPLACE FUNCTION app_private.screen_prompt(prompt text)
 RETURNS text[]
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_folded text;
  v_words text;
  v_reasons text[] := '{}';
begin
  if prompt is null or prompt = '' then
    return v_reasons;
  end if;
  v_folded := normalize(regexp_replace(prompt, '[\U000000AD\U0000034F\U0000061C\U0000115F-\U00001160\U000017B4-\U000017B5\U0000180B-\U0000180F\U0000200B-\U0000200F\U0000202A-\U0000202E\U00002060-\U0000206F\U00003164\U0000FE00-\U0000FE0F\U0000FEFF\U0000FFA0\U0000FFF0-\U0000FFF8\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0000-\U000E0FFF]', '', 'g'), NFKC);
  v_words := app_private.screen_fold_words(prompt);
  if v_words ~ '\y(?:[il]gnore|d[il]sregard|forget|overr[il]de|bypass|sk[il]p|d[il]scard|abandon|drop|set as[il]de|put as[il]de|pay no attent[il]on to|pay no heed to|do not follow|don t follow|stop follow[il]ng|no longer follow|never m[il]nd|neverm[il]nd)\y(?: [a-z0-9]+){0,4} (?:prev[il]ous|pr[il]or|above|earl[il]er|preced[il]ng|forego[il]ng|former|or[il]g[il]nal|[il]n[il]t[il]al|old|system|developer|your|all|any|every)(?: [a-z0-9]+){0,2} (?:[il]nstruct[il]ons?|prompts?|rules|d[il]rect[il]ons|d[il]rect[il]ves|gu[il]del[il]nes|gu[il]dance|commands|orders|constra[il]nts|restr[il]ct[il]ons|pol[il]c[il]es|pol[il]cy|requ[il]rements|programm[il]ng|context)\y|\y(?:[il]gnore|d[il]sregard|forget|pay no attent[il]on to)(?: [a-z0-9]+){0,2} (?:everyth[il]ng|all|anyth[il]ng)(?: [a-z0-9]+){0,2} (?:above|before|earl[il]er|prev[il]ously|so far)\y' then
    v_reasons := v_reasons || 'override_instructions: asks to ignore previous instructions'::text;
  end if;
  if v_words ~ '\yyou are now (?:a|an|the|my|no longer|dan|[il]n [a-z0-9]+ mode|unrestr[il]cted|unf[il]ltered|ja[il]lbroken|free of)\y|\y(?:act as|pretend to be|pretend you are|roleplay as)(?: [a-z0-9]+){0,3} (?:dan|ja[il]lbroken|unrestr[il]cted|unf[il]ltered|an a[il] w[il]thout|w[il]thout (?:any )?(?:l[il]m[il]ts|restr[il]ct[il]ons|rules|f[il]lters))\y' then
    v_reasons := v_reasons || 'role_hijack: tries to give the model a new role ("you are now …")'::text;
  end if;
  if v_folded ~* '\ynew\s+(?:system\s+)?instructions?\s*:' then
    v_reasons := v_reasons || 'role_hijack: announces replacement instructions ("new instructions:")'::text;
  end if;
  if v_folded ~* '(?n)^[ \t>]*(?:system[ \t]*:|#{1,6}[ \t]*system(?:[ \t]+(?:prompt|message|instructions?))?[ \t]*:?[ \t]*$)' then
    v_reasons := v_reasons || 'fake_role_marker: line impersonating a system message'::text;
  end if;
  if v_folded ~* '<\|(?:im_start|im_end|system|endoftext|start_header_id|end_header_id|eot_id)\|>|\[/?INST\]|<</?SYS>>|</s>' then
    v_reasons := v_reasons || 'fake_role_marker: chat-template control token (<|im_start|>, [INST], <<SYS>>, </s>)'::text;
  end if;
  if v_words ~ '\y(?:reveal|show|pr[il]nt|output|repeat|d[il]splay|leak|dump|rec[il]te|expose|share|tell me|g[il]ve me|what (?:[il]s|are|were))\y(?: [a-z0-9]+){0,6} (?:system prompt|(?:[il]n[il]t[il]al|or[il]g[il]nal|h[il]dden|secret|system|developer) (?:[il]nstruct[il]ons|prompt|rules|message)|your (?:[il]nstruct[il]ons|system prompt|prompt|rules))\y' then
    v_reasons := v_reasons || 'reveal_system_prompt: asks to reveal the system prompt'::text;
  end if;
  if (position('xaddressx' in v_words) > 0 or position('xurlx' in v_words) > 0) and v_words ~ '\y(?:send|ema[il]l|e ma[il]l|ma[il]l|forward|post|upload|transm[il]t|exf[il]ltrate|leak|copy|dump|export|share|del[il]ver)\y(?: [a-z0-9]+){0,6} (?:(?:every|all|each|ent[il]re|whole|full|complete)(?: [a-z0-9]+){0,3} (?:records?|data|database|customers?|users?|cl[il]ents?|contacts|ema[il]ls|f[il]les|documents|messages|conversat[il]ons|h[il]story|keys|passwords|credent[il]als|secrets|tokens)|(?:ap[il]|secret|pr[il]vate|ssh|access|encrypt[il]on) keys?|passwords?|credent[il]als|secrets|tokens?|env[il]ronment var[il]ables|env vars)\y(?: [a-z0-9]+){0,8} (?:xaddressx|xurlx)\y' then
    v_reasons := v_reasons || 'exfiltration: asks to send data or secrets to an outside address'::text;
  end if;
  if prompt ~ '[\U000E0000-\U000E007F]' then
    v_reasons := v_reasons || 'hidden_text: Unicode tag characters (invisible ASCII smuggling)'::text;
  end if;
  if prompt ~ '[\u202A-\u202E\u2066-\u2069]' then
    v_reasons := v_reasons || 'hidden_text: bidirectional override/isolate characters'::text;
  end if;
  if prompt ~ '[\u200B\u2060-\u2064]|.\uFEFF|[\u200B-\u200F\u2060-\u2064\uFEFF]{2}' then
    v_reasons := v_reasons || 'hidden_text: zero-width characters'::text;
  end if;
  return v_reasons;
end;
$function$;
