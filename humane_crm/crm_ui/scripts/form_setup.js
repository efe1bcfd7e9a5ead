// Humane CRM on __DOCTYPE__ in /crm, for CRM up to 1.2x: `setupForm` returns the header actions.
// Its labels are computed here, so after every change the record is reloaded and this runs again.
/*HUMANE_CORE*/

async function setupForm({ doc, call, $dialog, createToast, resource, $socket, router }) {
	const record = resource && (resource.lead || resource.deal);
	const ui = humaneCRM({
		doctype: "__DOCTYPE__",
		name: doc.name,
		call,
		socket: $socket,
		router,
		dialog: $dialog,
		notify: (text, ok) =>
			createToast({
				title: ok ? text : __("Not done"),
				text: ok ? "" : text,
				icon: ok ? "check" : "x",
				iconClasses: ok ? "text-green-600" : "text-red-600",
			}),
		render: () => record && record.reload(),
	});
	try {
		await ui.load();
	} catch (err) {
		console.error("Humane CRM:", err);
		return { actions: [] };
	}
	ui.start();
	return { actions: ui.actions() };
}
