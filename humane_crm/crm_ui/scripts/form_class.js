// Humane CRM on __DOCTYPE__ in /crm, for CRM's Form Script classes (1.3x and later): the header
// actions are set on `this.actions` once the server answers, and set again after every change.
/*HUMANE_CORE*/

class __CLASS__ {
	onLoad() {
		const self = this;
		const ui = humaneCRM({
			doctype: "__DOCTYPE__",
			name: this.doc.name,
			call,
			socket,
			router,
			dialog: createDialog,
			notify: (text, ok) => (ok ? toast.success(text) : toast.error(text)),
			// other Form Scripts on this record may have actions of their own: only ours are replaced
			render: (actions) => {
				self.actions = [...(self.actions || []).filter((a) => !a.humane), ...actions];
			},
		});
		ui.load()
			.then(() => {
				self.actions = [...(self.actions || []).filter((a) => !a.humane), ...ui.actions()];
				ui.start();
			})
			.catch((err) => console.error("Humane CRM:", err));
	}
}
