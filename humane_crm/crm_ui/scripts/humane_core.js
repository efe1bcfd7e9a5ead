// Humane CRM in /crm: what a lead's or deal's header shows and the dialogs behind it. Shared by the
// scripts for CRM's two Form Script APIs (crm_lead_*.js, crm_deal_*.js), which give it `env`:
//   doctype, name    the record
//   call(method, args) -> Promise   frappe-ui's call
//   dialog(options)  CRM's createDialog ({title, html, actions: [{label, variant, onClick(close)}]})
//   notify(text, ok) a toast
//   render(actions)  put the header actions on screen (and again after every change)
//   socket           CRM's socket.io client
// Every decision is the server's (humane_crm.crm_ui.record): this file only shows it and asks again.
function humaneCRM(env) {
	const ns = "humane_crm.crm_ui.record.";
	const esc = (s) =>
		String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
	let seq = 0;
	let state = null;

	function errorText(err) {
		const messages = (err && (err.messages || err._server_messages)) || [];
		const list = Array.isArray(messages) ? messages : [messages];
		const text = list
			.map((m) => {
				try {
					const parsed = typeof m === "string" && m.startsWith("{") ? JSON.parse(m).message : m;
					return String(parsed).replace(/<[^>]+>/g, "");
				} catch (e) {
					return String(m);
				}
			})
			.filter(Boolean)
			.join(" ");
		return text || (err && err.message) || __("Something went wrong");
	}

	// A dialog whose body is HTML with inputs; `act(values, close)` runs an action and shows a refusal
	// inside the dialog (and as a toast) rather than closing it.
	function form({ title, body, actions, size }) {
		const id = "humane-" + ++seq + "-" + Date.now();
		const field = (name) => document.getElementById(id + "-" + name);
		const values = () => {
			const out = {};
			document.querySelectorAll("[id^='" + id + "-']").forEach((el) => {
				const key = el.id.slice(id.length + 1);
				out[key] = el.type === "checkbox" ? el.checked : el.isContentEditable ? el.innerHTML : el.value;
			});
			return out;
		};
		const showError = (text) => {
			const box = document.getElementById(id + "--error");
			if (box) {
				box.textContent = text;
				box.style.display = text ? "block" : "none";
			}
		};
		env.dialog({
			title,
			size: size || "xl",
			html:
				`<div data-humane-dialog="${id}" style="display:flex;flex-direction:column;gap:10px;font-size:14px">${body(id)}` +
				`<div id="${id}--error" role="alert" data-humane-error style="display:none;color:#b91c1c;white-space:pre-wrap"></div></div>`,
			actions: (actions || []).map((a) => ({
				label: a.label,
				variant: a.variant || "subtle",
				theme: a.theme,
				onClick: async (close) => {
					showError("");
					try {
						const done = await a.run(values(), field);
						if (done !== false) {
							if (typeof close === "function") close();
							else if (close && close.close) close.close();
						}
					} catch (err) {
						const text = errorText(err);
						showError(text);
						env.notify(text, false);
					}
				},
			})),
		});
		return id;
	}

	const input = (id, name, label, attrs) =>
		`<label style="display:flex;flex-direction:column;gap:4px"><span style="color:#525252">${esc(label)}</span>` +
		`<input id="${id}-${name}" ${attrs || ""} style="border:1px solid #d4d4d4;border-radius:6px;padding:6px 8px"></label>`;
	const textarea = (id, name, label, value) =>
		`<label style="display:flex;flex-direction:column;gap:4px"><span style="color:#525252">${esc(label)}</span>` +
		`<textarea id="${id}-${name}" rows="3" style="border:1px solid #d4d4d4;border-radius:6px;padding:6px 8px">${esc(value || "")}</textarea></label>`;
	const select = (id, name, label, options, value) =>
		`<label style="display:flex;flex-direction:column;gap:4px"><span style="color:#525252">${esc(label)}</span>` +
		`<select id="${id}-${name}" style="border:1px solid #d4d4d4;border-radius:6px;padding:6px 8px">` +
		options.map((o) => `<option value="${esc(o[0])}" ${o[0] === value ? "selected" : ""}>${esc(o[1])}</option>`).join("") +
		`</select></label>`;
	const para = (text, muted) => `<p style="margin:0;${muted ? "color:#525252" : ""}">${esc(text)}</p>`;
	const whoAsked = (id, value) =>
		select(id, "source", __("Who asked"), [["Customer", __("The customer")], ["Agent", __("We decided (agent)")]], value || "Customer");
	const required = (value, message) => {
		if (!String(value || "").trim()) throw { messages: [message] };
		return String(value).trim();
	};

	// Loading and showing
	// ------------------

	async function load() {
		state = await env.call(ns + "record_status", { doctype: env.doctype, name: env.name });
		return state;
	}

	async function refresh() {
		await load();
		env.render(actions());
		return state;
	}

	function when(iso) {
		if (!iso) return "";
		const d = new Date(String(iso).replace(" ", "T"));
		return isNaN(d) ? iso : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
	}

	function day(iso) {
		if (!iso) return "";
		const d = new Date(String(iso).replace(" ", "T"));
		return isNaN(d) ? iso : d.toLocaleDateString(undefined, { dateStyle: "medium" });
	}

	const short = (text) => {
		const t = String(text || "").replace(/\s+/g, " ").trim();
		return t.length > 40 ? t.slice(0, 39) + "…" : t;
	};

	function actions() {
		if (!state) return [];
		const s = state;
		const menu = __("Contact");
		// A header dropdown is one action holding a group of items (frappe-ui's Dropdown reads `items`).
		const dropdown = (label, items) => ({ group: label, buttonLabel: label, hideLabel: true, items });
		const contactItems = [];
		const item = (label, onClick) => contactItems.push({ label, onClick });
		const out = [];
		// A customer's request to stop waits for its owner's decision: first, so that it is seen even
		// where a long header runs past the screen's edge (CRM 1.5x's header does not wrap).
		if (s.stop_request) {
			const r = s.stop_request;
			out.push({
				label: r.paused_until
					? __("Asked to stop {0}: “{1}” — paused until {2}", [day(r.heard_at), short(r.words), day(r.paused_until)])
					: __("Asked to stop {0}: “{1}” — confirm or dismiss", [day(r.heard_at), short(r.words)]),
				onClick: stopDialog,
			});
		}
		out.push({ label: s.headline, onClick: checkContact });
		if (s.complaint) {
			const c = s.complaint;
			const left = c.missing && c.missing.length;
			const label =
				c.status === "Suggested"
					? __("Possible complaint: confirm or dismiss")
					: c.status === "Open"
					? left
						? __("Complaint open: {0} checklist items left", [left])
						: __("Complaint open: checklist done, reply when ready")
					: __("Complaint {0}: follow-up owed", [__(c.status)]);
			out.push({ label, onClick: complaintDialog });
		}
		if (s.held && s.held.length) {
			out.push(
				dropdown(
					__("Held messages ({0})", [s.held.length]),
					s.held.map((h) => ({
						label: `${h.subject || __("(no subject)")} — ${h.held_because} — ${when(h.held_on)}`,
						onClick: () => heldDialog(h.name),
					}))
				)
			);
		}
		const relax = s.relax || {};
		const ov = (s.overrides || {}).Email || {};
		[
			item(__("Check contact"), checkContact),
			item(__("Pause contact"), pause),
			item(__("Do Not Contact"), doNotContact),
			item(__("Channel opt-outs"), optOuts),
			item(relax.allowed ? __("Allow contact again") : __("Allow contact again (managers only: the customer set it)"), reopen),
			item(
				ov.possible ? __("Override next contact") : ov.needed ? __("Override next contact (not yours to take)") : __("Override next contact (not needed)"),
				override
			),
		];
		if (!s.complaint) item(__("Open a complaint"), openComplaint);
		item(__("Email templates: review state"), templates);
		out.push(dropdown(menu, contactItems));
		return out.map((a) => ({ ...a, humane: true }));
	}

	async function after(promise, message) {
		const result = await promise;
		env.notify(message || __("Saved"), true);
		await refresh();
		return result;
	}

	// Contact
	// ------------------

	function checkContact() {
		const c = state.check;
		const at = c.next_allowed_at || {};
		const zone = c.person_time_zone;
		const body = () =>
			[
				`<p data-humane-headline style="margin:0;font-weight:600">${esc(state.headline)}</p>`,
				c.reasons.length
					? `<div><b>${esc(__("Reasons"))}</b><ul style="margin:4px 0 0 18px;list-style:disc">${c.reasons
							.map((r) => `<li>${esc(r.message)}</li>`)
							.join("")}</ul></div>`
					: para(__("No rule or wish of theirs stands in the way."), true),
				c.attempts.length
					? `<div><b>${esc(__("Touches that counted"))}</b><ul style="margin:4px 0 0 18px;list-style:disc">${c.attempts
							.map((a) => `<li>${esc(when(a.at))} — ${esc(__(a.channel))} — ${esc(a.agent || "")} — ${esc(a.record || "")}</li>`)
							.join("")}</ul></div>`
					: "",
				at.site
					? `<div><b>${esc(__("Next contact allowed"))}</b><br>${esc(__("Their time: {0}", [at.person || at.site]))}<br>${esc(
							__("Your time: {0}", [when(at.agent || at.site)])
					  )}</div>`
					: "",
				zone ? para(__("Their time zone: {0} (from the {1})", [zone.zone, __(zone.source)]), true) : "",
				state.preference && state.preference.reason ? para(__("Reason given: {0}", [state.preference.reason]), true) : "",
			].join("");
		form({ title: __("Check contact"), body, actions: [{ label: __("Close"), run: () => true }] });
	}

	function setPreference(values) {
		const p = state.preference || {};
		return env.call("humane_crm.api.set_contact_preference", {
			doctype: env.doctype,
			name: env.name,
			status: p.status || "Open",
			paused_until: p.paused_until || null,
			reason: p.reason || null,
			source: p.source || "Agent",
			...values,
		});
	}

	function pause() {
		const next = new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10);
		form({
			title: __("Pause contact"),
			body: (id) =>
				input(id, "until", __("Paused until"), `type="date" value="${next}"`) + whoAsked(id) + textarea(id, "reason", __("Reason")),
			actions: [
				{
					label: __("Pause"),
					variant: "solid",
					run: (v) =>
						after(
							setPreference({ status: "Paused", paused_until: required(v.until, __("Choose a date")) + " 00:00:00", source: v.source, reason: v.reason }),
							__("Contact paused")
						),
				},
			],
		});
	}

	function doNotContact() {
		form({
			title: __("Do Not Contact"),
			body: (id) => whoAsked(id) + textarea(id, "reason", __("Reason (required)")),
			actions: [
				{
					label: __("Set Do Not Contact"),
					variant: "solid",
					theme: "red",
					run: (v) =>
						after(
							setPreference({ status: "Do Not Contact", paused_until: null, source: v.source, reason: required(v.reason, __("Say why (required)")) }),
							__("Do Not Contact set")
						),
				},
			],
		});
	}

	function optOuts() {
		const current = (state.preference && state.preference.opted_out) || [];
		const channels = ["Email", "Call", "SMS", "WhatsApp"];
		form({
			title: __("Channel opt-outs"),
			body: (id) =>
				para(__("Tick the channels this person does not want to be contacted on."), true) +
				channels
					.map(
						(c) =>
							`<label style="display:flex;gap:8px;align-items:center"><input type="checkbox" id="${id}-ch_${c}" ${
								current.includes(c) ? "checked" : ""
							}>${esc(__(c))}</label>`
					)
					.join("") +
				whoAsked(id) +
				textarea(id, "reason", __("Reason")),
			actions: [
				{
					label: __("Save opt-outs"),
					variant: "solid",
					run: (v) =>
						after(
							setPreference({
								opt_out: channels.filter((c) => v["ch_" + c]),
								source: v.source,
								reason: v.reason || (state.preference && state.preference.reason) || null,
							}),
							__("Opt-outs saved")
						),
				},
			],
		});
	}

	function reopen() {
		const relax = state.relax || {};
		form({
			title: __("Allow contact again"),
			body: (id) =>
				(relax.allowed
					? textarea(id, "reason", __("Why contact is allowed again (required)"))
					: `<p data-humane-note style="margin:0;color:#b45309">${esc(relax.note)}</p>`),
			actions: relax.allowed
				? [
						{
							label: __("Allow"),
							variant: "solid",
							run: (v) =>
								after(
									setPreference({ status: "Open", paused_until: null, source: "Agent", reason: required(v.reason, __("Say why (required)")) }),
									__("Contact allowed again")
								),
						},
				  ]
				: [{ label: __("Close"), run: () => true }],
		});
	}

	function override() {
		const states = state.overrides || {};
		form({
			title: __("Override next contact"),
			body: (id) =>
				Object.entries(states)
					.map(([channel, o]) => para(`${__(channel)}: ${o.possible ? __("an override is possible, with a reason.") : o.note}`, !o.possible))
					.join("") +
				select(id, "channel", __("Channel"), [["Email", __("Email")], ["Call", __("Call")], ["SMS", __("SMS")], ["WhatsApp", __("WhatsApp")]], "Email") +
				textarea(id, "reason", __("Why this cannot wait (required)")),
			actions: [
				{
					label: __("Take a single pass"),
					variant: "solid",
					run: async (v) => {
						const r = await env.call("humane_crm.api.override_next_contact", {
							doctype: env.doctype,
							name: env.name,
							channel: v.channel,
							reason: required(v.reason, __("Say why this contact cannot wait")),
						});
						env.notify(r.message, true);
						await refresh();
					},
				},
			],
		});
	}

	// Complaints
	// ------------------

	function openComplaint() {
		form({
			title: __("Open a complaint"),
			body: (id) => textarea(id, "summary", __("What is the complaint about? (required)")),
			actions: [
				{
					label: __("Open complaint"),
					variant: "solid",
					run: (v) =>
						after(
							env.call("humane_crm.complaints.actions.open_complaint", {
								doctype: env.doctype,
								name: env.name,
								summary: required(v.summary, __("Say in a few words what the complaint is about.")),
							}),
							__("Complaint opened")
						),
				},
			],
		});
	}

	function complaintDialog() {
		const c = state.complaint;
		const call = (method, args, message) => after(env.call("humane_crm.complaints.actions." + method, { name: c.name, ...args }), message);
		const head = (id) =>
			para(`${c.name} · ${__(c.status)} · ${c.summary || ""}`) + (c.why ? para(__("Why it was flagged: {0}", [c.why]), true) : "");
		if (c.status === "Suggested") {
			return form({
				title: __("Possible complaint"),
				body: (id) => head(id) + textarea(id, "reason", __("If it is not a complaint: why (required to dismiss)")),
				actions: [
					{ label: __("Confirm complaint"), variant: "solid", run: () => call("confirm", {}, __("Complaint confirmed")) },
					{ label: __("Dismiss"), run: (v) => call("dismiss", { reason: required(v.reason, __("Say why this is not a complaint.")) }, __("Dismissed")) },
				],
			});
		}
		if (c.status === "Open") {
			return form({
				title: __("Empathy checklist"),
				body: (id) =>
					head(id) +
					c.items
						.map(
							(i) =>
								`<div data-humane-item="${i.idx}" style="border:1px solid #e5e5e5;border-radius:6px;padding:8px">` +
								`<label style="display:flex;gap:8px;align-items:center;font-weight:500"><input type="checkbox" id="${id}-tick_${i.idx}" ${
									i.ticked ? "checked disabled" : ""
								}>${esc(i.prompt)}${i.required ? " *" : ""}</label>` +
								`<p style="margin:4px 0 0 24px;color:#525252">${esc(i.guidance || "")}</p>` +
								(i.ticked
									? `<p style="margin:4px 0 0 24px;color:#15803d">${esc(__("Ticked by {0}", [i.ticked_by]))}${i.note ? " — " + esc(i.note) : ""}</p>`
									: `<input id="${id}-note_${i.idx}" placeholder="${esc(__("Note (optional)"))}" style="margin:4px 0 0 24px;width:calc(100% - 24px);border:1px solid #d4d4d4;border-radius:6px;padding:4px 8px">`) +
								`</div>`
						)
						.join("") +
					`<p data-humane-left style="margin:0;color:#b45309">${esc(
						c.missing.length ? __("Still to do before a reply may go out: {0}", [c.missing.join("; ")]) : __("Checklist done: you may reply.")
					)}</p>`,
				actions: [
					{
						label: __("Save checklist"),
						variant: "solid",
						run: async (v) => {
							for (const i of c.items) {
								if (!i.ticked && v["tick_" + i.idx]) {
									await env.call("humane_crm.complaints.actions.tick", { name: c.name, item: i.idx, note: v["note_" + i.idx] || null });
								}
							}
							env.notify(__("Checklist saved"), true);
							await refresh();
						},
					},
				],
			});
		}
		const task = c.task;
		return form({
			title: __("Complaint follow-up"),
			body: (id) =>
				head(id) +
				para(task ? __("Follow-up task: {0} — {1}, due {2}", [task.title, __(task.status), task.due]) : __("No follow-up task yet.")) +
				textarea(id, "note", __("How was it resolved? (required)")),
			actions: [
				{ label: __("Resolve"), variant: "solid", run: (v) => call("resolve", { note: required(v.note, __("Say how it was resolved.")) }, __("Complaint resolved")) },
			],
		});
	}

	// A customer asked to stop
	// ------------------

	function stopDialog() {
		const r = state.stop_request;
		const call = (method, args, message) => after(env.call("humane_crm.voice.stop." + method, { name: r.name, ...args }), message);
		form({
			title: __("They asked us to stop"),
			body: (id) =>
				`<blockquote data-humane-stop="${esc(r.name)}" style="margin:0;padding:6px 10px;border-left:3px solid #d4d4d4;white-space:pre-wrap">“${esc(
					r.words
				)}”</blockquote>` +
				para(__("By {0}, {1}", [__(r.heard_on), when(r.heard_at)]), true) +
				para(
					r.paused_until
						? __("Their message paused all contact until {0}, at once.", [day(r.paused_until)])
						: __("The pause their message made has been changed since."),
					true
				) +
				para(
					__("Confirm: {0}, as they asked. Dismiss: it was not a request to stop, and contact opens again as it was before.", [r.outcome])
				) +
				(r.may_decide ? "" : `<p data-humane-note style="margin:0;color:#b45309">${esc(__("You cannot decide stop requests; {0} was asked to.", [r.owner || __("the record's owner")]))}</p>`) +
				textarea(id, "reason", __("If it is not a request to stop: why (required to dismiss)")),
			actions: [
				{ label: __("Confirm: {0}", [r.outcome]), variant: "solid", theme: "red", run: () => call("confirm", {}, __("Confirmed: {0}", [r.outcome])) },
				{
					label: __("Dismiss"),
					run: (v) => call("dismiss", { reason: required(v.reason, __("Say why this message is not a request to stop.")) }, __("Dismissed: contact is open again")),
				},
			],
		});
	}

	// Held messages
	// ------------------

	function heldDialog(name) {
		const h = (state.held || []).find((m) => m.name === name);
		if (!h) return env.notify(__("Held message {0} is no longer waiting here.", [name]), false);
		const save = (v) =>
			env.call(ns + "save_held", { name, recipients: required(v.recipients, __("Recipients are required")), subject: v.subject, content: v.content });
		form({
			title: __("Held message"),
			size: "2xl",
			body: (id) =>
				`<p data-humane-held="${esc(name)}" style="margin:0;font-weight:600">${esc(h.held_because)}</p>` +
				para(__("Held {0}", [when(h.held_on)]), true) +
				(h.source ? `<p style="margin:0;color:#525252;white-space:pre-wrap">${esc(h.source)}</p>` : "") +
				input(id, "recipients", __("To"), `value="${esc(h.recipients || "")}"`) +
				input(id, "subject", __("Subject"), `value="${esc(h.subject || "")}"`) +
				`<div style="display:flex;flex-direction:column;gap:4px"><span style="color:#525252">${esc(__("Message"))}</span>` +
				`<div id="${id}-content" contenteditable="true" data-humane-content style="border:1px solid #d4d4d4;border-radius:6px;padding:8px;min-height:120px;max-height:300px;overflow:auto">${
					h.content || ""
				}</div></div>` +
				textarea(id, "reason", __("Reason, to discard")),
			actions: [
				{ label: __("Save"), run: (v) => after(save(v), __("Held message saved")) },
				{
					label: __("Send now"),
					variant: "solid",
					run: async (v) => {
						await save(v);
						await after(env.call(ns + "release_held", { name }), __("Sent"));
					},
				},
				{
					label: __("Discard"),
					theme: "red",
					run: (v) =>
						after(env.call(ns + "discard_held", { name, reason: required(v.reason, __("Say why this message should not be sent.")) }), __("Discarded")),
				},
			],
		});
	}

	// Templates
	// ------------------

	async function templates() {
		const answer = await env.call("humane_crm.crm_ui.templates.template_states", {});
		const rows = answer.templates || [];
		const submittable = rows.filter((r) => r.may_submit);
		form({
			title: __("Email templates: review state"),
			size: "3xl",
			body: (id) =>
				para(
					__(
						"Only an approved template can be enabled and picked in a reply. {0} does not show a template's review state, so it is shown here; reviews happen in the desk.",
						[answer.where]
					),
					true
				) +
				(rows.length
					? `<table style="width:100%;border-collapse:collapse"><tr style="color:#525252;text-align:left"><th style="padding:4px">${esc(
							__("Template")
					  )}</th><th style="padding:4px">${esc(__("Review state"))}</th><th style="padding:4px">${esc(__("Next"))}</th></tr>` +
					  rows
							.map(
								(r) =>
									`<tr data-humane-template="${esc(r.name)}" style="border-top:1px solid #e5e5e5;vertical-align:top"><td style="padding:4px"><a href="/app/email-template/${encodeURIComponent(
										r.name
									)}" target="_blank">${esc(r.name)}</a>${r.mine ? " · " + esc(__("yours")) : ""}${
										r.enabled ? " · " + esc(__("enabled")) : ""
									}</td><td style="padding:4px" data-humane-state>${esc(r.state)}${
										r.reviewed_by ? `<br><span style="color:#525252">${esc(__("by {0}", [r.reviewed_by]))}</span>` : ""
									}${r.review_comment ? `<br><span style="color:#525252">“${esc(r.review_comment)}”</span>` : ""}</td><td style="padding:4px;color:#525252">${esc(
										r.next
									)}</td></tr>`
							)
							.join("") +
					  `</table>`
					: para(__("No email templates yet."), true)) +
				(submittable.length
					? select(
							id,
							"template",
							__("Submit one of your templates for review"),
							submittable.map((r) => [r.name, `${r.name} (${r.state})`]),
							submittable[0].name
					  )
					: ""),
			actions: [
				...(submittable.length
					? [
							{
								label: __("Submit for review"),
								variant: "solid",
								run: async (v) => {
									await env.call("humane_crm.template_review.four_eyes.submit_for_review", { name: v.template });
									env.notify(__("{0} is waiting for a reviewer", [v.template]), true);
								},
							},
					  ]
					: []),
				{ label: __("Close"), run: () => true },
			],
		});
	}

	// Keeping the header true after a send, a refusal or a change elsewhere
	// ------------------

	function listen() {
		const key = "__humaneCRM";
		window[key] = window[key] || {};
		const registry = window[key];
		registry.current = { doctype: env.doctype, name: env.name, refresh, heldDialog };
		const sock = env.socket;
		if (sock && sock.emit) sock.emit("doc_subscribe", env.doctype, env.name);
		if (sock && sock.on && registry.socket !== sock) {
			registry.socket = sock;
			const mine = (d) => registry.current && d && registry.current.doctype === d[0] && registry.current.name === d[1];
			const onPage = () => registry.current && onPageOf(registry.current);
			sock.on("docinfo_update", (data) => {
				const doc = (data && data.doc) || {};
				if (mine([doc.reference_doctype, doc.reference_name])) registry.current.refresh();
			});
			sock.on("crm_notification", () => onPage() && registry.current.refresh());
		}
		// CRM gives Form Scripts no event for "an email was sent" (and socket.io may be down): a send
		// through CRM's composer or a logged call, answered or refused, refreshes the header too.
		if (!registry.fetchWrapped && window.fetch) {
			registry.fetchWrapped = true;
			const original = window.fetch;
			window.fetch = function () {
				const answer = original.apply(this, arguments);
				const target = String((arguments[0] && arguments[0].url) || arguments[0] || "");
				if (/communication\.email\.make|Communication|CRM(%20| )Call(%20| )Log|call_log/.test(target)) {
					const again = () => registry.current && onPageOf(registry.current) && registry.current.refresh();
					answer.then(again, again);
				}
				return answer;
			};
		}
		// CRM's notifications panel routes to the record with the draft's name as the hash: when the record
		// is already on screen only the hash changes (history.pushState, no "hashchange"), so watch the router.
		if (env.router && env.router.afterEach && registry.router !== env.router) {
			registry.router = env.router;
			env.router.afterEach(() => setTimeout(() => openFromHash(registry.current), 0));
		}
		if (!registry.hashListener) {
			registry.hashListener = true;
			window.addEventListener("hashchange", () => openFromHash(registry.current));
		}
	}

	function onPageOf(current) {
		return location.pathname.includes(encodeURIComponent(current.name)) || location.pathname.includes(current.name);
	}

	function openFromHash(current) {
		const wanted = decodeURIComponent((location.hash || "").slice(1));
		const registry = window.__humaneCRM;
		if (!current || !wanted || registry.openedHash === wanted || !onPageOf(current)) return;
		current.refresh().then((s) => {
			if ((s.held || []).some((m) => m.name === wanted) && registry.openedHash !== wanted) {
				registry.openedHash = wanted;
				current.heldDialog(wanted);
			}
		});
	}

	return {
		load,
		actions,
		refresh,
		start() {
			listen();
			// Opened from a notification about a held or refused draft (its hash names the draft): open it,
			// once, not again on every reload of the record.
			const registry = window.__humaneCRM;
			const wanted = decodeURIComponent((location.hash || "").slice(1));
			if (wanted && registry.openedHash !== wanted && state && (state.held || []).some((m) => m.name === wanted)) {
				registry.openedHash = wanted;
				heldDialog(wanted);
			}
		},
	};
}
