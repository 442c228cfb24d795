// What the plan form holds and how it becomes a request: a new plan's body
// (POST /api/plans) or a change (PATCH /api/plans/{id}: teams, visits added, changed and
// removed), and where the server's refusals point back in the form. DOM-free.

/**
 * @typedef {import("./plans.js").PlanMember} PlanMember
 * @typedef {{name: string, members: PlanMember[]}} TeamDraft
 * @typedef {{id?: number, code: string, name: string, commune: string, team: number,
 *   start: string, end: string, done?: boolean}} SiteDraft a site to visit (`id`: a visit already in the plan)
 * @typedef {{province: string, name: string, start: string, end: string, agencies: string[],
 *   teams: TeamDraft[], sites: SiteDraft[], kept: SiteDraft[]}} PlanDraft `kept`: the plan's
 *   visits as loaded; `province`: the plan's (a department's own; an admin chooses)
 */

/** @param {string} province @param {string} start @param {string} end @returns {PlanDraft} */
export function emptyPlan(province, start, end) {
  return { province, name: "", start, end, agencies: [], teams: [{ name: "", members: [{ name: "", agency: "", role: "lead", username: null }] }], sites: [], kept: [] };
}

/** A plan from the server as the form edits it. @param {import("./plans.js").Plan} plan @returns {PlanDraft} */
export function fromPlan(plan) {
  const sites = (plan.visits || []).map((v) => ({
    id: v.id, code: v.facility_code, name: v.facility_name, commune: v.commune_name,
    team: v.team_index, start: v.start, end: v.end, done: v.state === "done",
  }));  // prettier-ignore
  return {
    province: plan.province_code, name: plan.name, start: plan.start, end: plan.end, agencies: [...plan.agencies],
    teams: plan.teams.map((team) => ({ name: team.name, members: team.members.map((m) => ({ ...m })) })),
    sites, kept: sites.map((s) => ({ ...s })),
  };  // prettier-ignore
}

/** @param {TeamDraft[]} teams */
function teamsBody(teams) {
  return teams.map((team) => ({
    name: team.name.trim(),
    members: team.members.map((m) => ({ name: m.name.trim(), agency: m.agency.trim(), role: m.role, ...(m.username?.trim() ? { username: m.username.trim() } : {}) })),
  }));
}

/** @param {SiteDraft} s */
const visitBody = (s) => ({ facility_code: s.code, team: s.team, start: s.start, end: s.end });

/**
 * The request, and where each of its lists' entries sits in the form (`$.visits[2]` → `sites[5]`).
 * @param {PlanDraft} d @param {boolean} editing
 * @returns {{body: Record<string, unknown>, where: Map<string, string>}}
 */
export function requestOf(d, editing) {
  /** @type {Map<string, string>} */
  const where = new Map();
  const base = { name: d.name.trim(), start: d.start, end: d.end, agencies: d.agencies, teams: teamsBody(d.teams) };
  if (!editing) {
    d.sites.forEach((_, n) => where.set(`visits[${n}]`, `sites[${n}]`));
    return { body: { ...base, visits: d.sites.map(visitBody), ...(d.province ? { province: d.province } : {}) }, where };
  }
  /** @type {Record<string, unknown>[]} */
  const add = [];
  /** @type {Record<string, unknown>[]} */
  const change = [];
  d.sites.forEach((s, n) => {
    const before = d.kept.find((k) => k.id === s.id);
    if (!before) {
      where.set(`add[${add.length}]`, `sites[${n}]`);
      add.push(visitBody(s));
    } else if (before.team !== s.team || before.start !== s.start || before.end !== s.end) {
      where.set(`change[${change.length}]`, `sites[${n}]`);
      change.push({ id: s.id, team: s.team, start: s.start, end: s.end });
    }
  });
  const remove = d.kept.filter((k) => !d.sites.some((s) => s.id === k.id)).map((k) => /** @type {number} */ (k.id));
  return { body: { ...base, add, change, remove }, where };
}

/**
 * The form's field a refusal points at: "$.add[0].end" → "sites[3].end"; a list entry
 * without a field of its own points at the entry.
 * @param {{field?: string, key?: string, message?: string}} detail @param {Map<string, string>} where
 */
export function fieldOf(detail, where) {
  const fromMessage = /`\$\.([^`]+)`/.exec(detail.message || "")?.[1];
  let path = (detail.field || detail.key || fromMessage || "").replace(/^\$\./, "");
  const entry = /^((?:visits|add|change)\[\d+\])(.*)$/.exec(path);
  if (entry && where.has(entry[1])) path = `${where.get(entry[1])}${entry[2].replace(".facility_code", "")}`;
  return path;
}
