-- app_hidden.mcp_servers_problem: the definition in force after every committed migration (`npm run db:dump`; do not edit).

-- Null when an agent's mcp_servers has an acceptable shape, else what is wrong.
CREATE OR REPLACE FUNCTION app_hidden.mcp_servers_problem(servers jsonb)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_entry jsonb;
  v_i integer := 0;
begin
  if servers is null or jsonb_typeof(servers) <> 'array' then
    return 'mcp_servers must be an array';
  end if;
  if jsonb_array_length(servers) > 20 then
    return 'mcp_servers may list at most 20 servers';
  end if;
  for v_entry in select e from jsonb_array_elements(servers) e loop
    v_i := v_i + 1;
    if jsonb_typeof(v_entry) <> 'object' then
      return format('mcp_servers[%s] must be an object {"name": "<server configured by the operator>"} or {"url": "https://…"}', v_i - 1);
    end if;
    if v_entry ?| array['command', 'args', 'env'] then
      return format('mcp_servers[%s]: commands cannot be given here; name a server the operator configured in MCP_SERVERS ({"name": "…"})', v_i - 1);
    end if;
    if exists (select 1 from jsonb_object_keys(v_entry) k where k not in ('name', 'url')) then
      return format('mcp_servers[%s]: only the keys name and url are allowed', v_i - 1);
    end if;
    if v_entry ? 'name' and (jsonb_typeof(v_entry -> 'name') <> 'string' or (v_entry ->> 'name') !~ '^[A-Za-z0-9_-]{1,64}$') then
      return format('mcp_servers[%s]: name must be 1-64 letters, digits, "_" or "-"', v_i - 1);
    end if;
    if v_entry ? 'url' then
      if jsonb_typeof(v_entry -> 'url') <> 'string' or length(v_entry ->> 'url') > 2048
         or (v_entry ->> 'url') !~* '^https://[^/?#@\s\\]+(?:[/?#]\S*)?$' then
        return format('mcp_servers[%s]: url must be an https:// URL (at most 2048 characters, no credentials) on a host in MCP_ALLOWED_HOSTS', v_i - 1);
      end if;
    elsif not v_entry ? 'name' then
      return format('mcp_servers[%s] must have a name or a url', v_i - 1);
    end if;
  end loop;
  return null;
end;
$function$;
