-- app_private.tg_agents__check_mcp_servers: the definition in force after every committed migration (`npm run db:dump`; do not edit).

CREATE OR REPLACE FUNCTION app_private.tg_agents__check_mcp_servers()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
declare
  v_problem text := app_hidden.mcp_servers_problem(new.mcp_servers);
begin
  if v_problem is not null then
    perform app_hidden.raise_error('ST003', v_problem,
      'MCP servers are {"name": "<a server in MCP_SERVERS>"} or {"url": "https://<host in MCP_ALLOWED_HOSTS>/…"}');
  end if;
  return new;
end;
$function$;
