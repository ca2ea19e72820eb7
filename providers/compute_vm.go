package providers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/armdeploy/armdeploy/state"
)

// Microsoft.Compute/virtualMachines, as vm-from-sig uses it
// (gallery-rp.md §13.1).

const typeVirtualMachine = "Microsoft.Compute/virtualMachines"

func init() { Register(vmProvider{}) }

type vmProvider struct{}

func (vmProvider) Types() []string { return []string{typeVirtualMachine} }

func (vmProvider) ReadOnly(string) []string {
	return []string{"properties.provisioningState", "properties.vmId",
		"properties.storageProfile.imageReference.exactVersion", "properties.storageProfile.osDisk.name"}
}

var vmImmutable = []string{
	"properties.storageProfile.imageReference",
	"properties.osProfile.adminUsername",
	"properties.osProfile.computerName",
}

func (vmProvider) Immutable(string) []string { return append([]string{"location"}, vmImmutable...) }

// vmSizes are sizes the simulator knows; others only warn (SkuNotAvailable
// is [U] in gallery-rp.md §13.1).
var vmSizes = []string{
	"Standard_A1", "Standard_A1_v2", "Standard_A2_v2", "Standard_A4_v2", "Standard_A8_v2",
	"Standard_B1s", "Standard_B1ms", "Standard_B2s", "Standard_B2ms", "Standard_B4ms",
	"Standard_D1_v2", "Standard_D2_v2", "Standard_D3_v2", "Standard_D4_v2", "Standard_D5_v2",
	"Standard_DS1_v2", "Standard_DS2_v2", "Standard_DS3_v2",
	"Standard_D2s_v3", "Standard_D4s_v3", "Standard_D8s_v3", "Standard_D2_v3", "Standard_D4_v3",
	"Standard_D2s_v4", "Standard_D2s_v5", "Standard_D4s_v5", "Standard_D2as_v5", "Standard_D4as_v5",
	"Standard_E2s_v3", "Standard_E4s_v3", "Standard_E2s_v5", "Standard_F2s_v2", "Standard_F4s_v2",
}

// reservedUsernames may not be admin user names (gallery-rp.md §13.1).
var reservedUsernames = []string{"administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1",
	"1", "123", "a", "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root",
	"server", "sql", "support", "support_388945a0", "sys", "test2", "test3", "user4", "user5"}

// reservedPasswords may not be admin passwords (gallery-rp.md §13.1).
var reservedPasswords = []string{"abc@123", "P@$$w0rd", "P@ssw0rd", "P@ssword123", "Pa$$word", "pass@word1",
	"Password!", "Password1", "Password22", "iloveyou!"}

// errGalleryImageNotFound is GalleryImageNotFound of gallery-rp.md §8,
// verbatim, including the quotes the real message carries.
func errGalleryImageNotFound(ref, region string) *Error {
	return &Error{Code: "GalleryImageNotFound", Target: "imageReference",
		Message: fmt.Sprintf("\"The gallery image %s is not available in %s region. Please contact image owner to replicate to this region, or change your requested region.\"", ref, region)}
}

// minVMGalleryAPI is the first api-version of virtualMachines that
// creates a VM from a gallery image (seed-overview.md FAQ "API versions";
// gallery-rp.md §1 DOC-SIG FAQ).
const minVMGalleryAPI = "2018-04-01"

// errGalleryAPIVersion refuses a VM from a gallery image at an older
// api-version; the code and text are [U].
func errGalleryAPIVersion(api string) *Error {
	return &Error{Code: "InvalidParameter", Target: "imageReference",
		Message: fmt.Sprintf("A virtual machine can be created from a gallery image with api-version %s or later; the request uses '%s'.", minVMGalleryAPI, api)}
}

// errLatestNotFound is the InvalidParameter text of gallery-rp.md §8 for a
// definition reference with no eligible version, verbatim.
func errLatestNotFound(ref, region string) *Error {
	return &Error{Code: "InvalidParameter", Target: "imageReference",
		Message: fmt.Sprintf("In region %s, the following list of Shared Image Gallery images referenced from the deployment template were not found: %s/Versions/latest. Please check that at least one image has been replicated to %s or that the 'exclude from latest' flag is set to false. Please refer to https://docs.microsoft.com/en-us/azure/virtual-machines/windows/shared-image-galleries for instructions on creating and deleting such images.",
			region, ref, region)}
}

// vmImage is what the VM learns from its image.
type vmImage struct {
	osType, osState string
	sizeGB          int64
	exactVersion    string
	attach          bool // the OS disk is attached, not made from an image
}

// resolveImage resolves storageProfile.imageReference (or an attached OS
// disk) for a VM in loc.
func resolveImage(ctx context.Context, r *Request, sp map[string]any, loc string) (*vmImage, error) {
	od := objAt(sp, "osDisk")
	if strings.EqualFold(strAt(od, "createOption"), "Attach") {
		ref := strAt(od, "managedDisk", "id")
		if ref == "" {
			return nil, errRequired("osDisk.managedDisk.id")
		}
		d, err := lookup(ctx, r.Store, ref)
		if err != nil {
			return nil, err
		}
		if d == nil {
			return nil, errResourceNotFound(ref)
		}
		if locationOf(d) != loc {
			return nil, errInvalidReference(ref, r.ID)
		}
		ot := strAt(od, "osType")
		if ot == "" {
			ot = strAt(bodyOf(d), "properties", "osType")
		}
		size, _ := asInt(at(bodyOf(d), "properties", "diskSizeGB"))
		return &vmImage{osType: ot, osState: "Specialized", sizeGB: size, attach: true}, nil
	}
	ir := objAt(sp, "imageReference")
	if ir == nil {
		return nil, errRequired("imageReference")
	}
	ref := strAt(ir, "id")
	if ref == "" {
		// A marketplace image: nothing to look up. The OS comes from the
		// OS disk or the configuration block given [U].
		ot := strAt(od, "osType")
		switch {
		case ot != "":
		case has(sp, "osProfile", "windowsConfiguration") || strings.Contains(strings.ToLower(strAt(ir, "publisher")), "windows"):
			ot = "Windows"
		default:
			ot = "Linux"
		}
		return &vmImage{osType: ot, osState: "Generalized", sizeGB: defaultDiskSize(ot)}, nil
	}
	p, e := parseRef(ref, "properties.storageProfile.imageReference.id")
	if e != nil {
		return nil, e
	}
	if (typeIs(p.Type, typeImageVersion) || typeIs(p.Type, typeImageDefinition)) && !apiAtLeast(r.APIVersion, minVMGalleryAPI) {
		return nil, errGalleryAPIVersion(r.APIVersion)
	}
	switch {
	case typeIs(p.Type, typeImageVersion):
		v, err := lookup(ctx, r.Store, ref)
		if err != nil {
			return nil, err
		}
		def, err := lookup(ctx, r.Store, p.Parent)
		if err != nil {
			return nil, err
		}
		if v == nil || def == nil || !ReplicatedTo(v, loc) {
			return nil, errGalleryImageNotFound(ref, loc)
		}
		return imageFrom(def, v), nil
	case typeIs(p.Type, typeImageDefinition):
		def, err := lookup(ctx, r.Store, ref)
		if err != nil {
			return nil, err
		}
		if def == nil {
			return nil, errGalleryImageNotFound(ref, loc)
		}
		v, err := LatestVersion(ctx, r.Store, def.ID, loc)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, errLatestNotFound(ref, loc)
		}
		return imageFrom(def, v), nil
	case typeIs(p.Type, typeManagedImage):
		img, err := lookup(ctx, r.Store, ref)
		if err != nil {
			return nil, err
		}
		if img == nil {
			return nil, errResourceNotFound(ref)
		}
		if locationOf(img) != loc {
			return nil, errInvalidReference(ref, r.ID)
		}
		s, err := describeSource(ctx, r.Store, img)
		if err != nil {
			return nil, err
		}
		return &vmImage{osType: s.osType, osState: s.osState, sizeGB: s.sizeGB}, nil
	}
	return nil, &Error{Code: "InvalidParameter", Target: "imageReference",
		Message: fmt.Sprintf("The value of parameter imageReference.id is invalid: '%s' is not a gallery image, gallery image version or managed image.", ref)}
}

// imageFrom describes a gallery image version of a definition.
func imageFrom(def, v *state.Resource) *vmImage {
	dp := objAt(bodyOf(def), "properties")
	size, _ := asInt(at(bodyOf(v), "properties", "storageProfile", "osDiskImage", "sizeInGB"))
	if size <= 0 {
		size = defaultDiskSize(strAt(dp, "osType"))
	}
	return &vmImage{osType: strAt(dp, "osType"), osState: strAt(dp, "osState"), sizeGB: size, exactVersion: lastSegment(v.Name)}
}

// errPassword is the Compute RP's complexity text [U: recalled from the
// service, not quoted in gallery-rp.md; the rules are §13.1's].
func errPassword(lo, hi int) *Error {
	return &Error{Code: "InvalidParameter", Target: "adminPassword",
		Message: fmt.Sprintf("The supplied password must be between %d-%d characters long and must satisfy at least 3 of password complexity requirements from the following: 1) Contains an uppercase character 2) Contains a lowercase character 3) Contains a numeric digit 4) Contains a special character 5) Control characters are not allowed", lo, hi)}
}

// checkPassword applies gallery-rp.md §13.1: length, three of four
// character classes (special = [\W_]), no control characters, not a
// banned password.
func checkPassword(pw string, lo, hi int) *Error {
	n := len([]rune(pw))
	var lower, upper, digit, special bool
	for _, c := range pw {
		switch {
		case unicode.IsControl(c):
			return errPassword(lo, hi)
		case unicode.IsLower(c):
			lower = true
		case unicode.IsUpper(c):
			upper = true
		case unicode.IsDigit(c):
			digit = true
		default:
			special = true
		}
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, special} {
		if b {
			classes++
		}
	}
	if n < lo || n > hi || classes < 3 {
		return errPassword(lo, hi)
	}
	if slices.Contains(reservedPasswords, pw) {
		// [U] text.
		return &Error{Code: "InvalidParameter", Target: "adminPassword",
			Message: "The supplied password is one of the commonly used passwords that are not allowed. Please choose a different password."}
	}
	return nil
}

// checkOSProfile applies the osProfile rules of gallery-rp.md §13.1 for
// the image's OS type.
func checkOSProfile(os map[string]any, osType, vmName string) *Error {
	windows := strings.EqualFold(osType, "Windows")
	cn := strAt(os, "computerName")
	if cn == "" {
		cn = vmName // [U] the service names the computer after the VM
		set(os, "computerName", cn)
	}
	if windows {
		allDigits := strings.Trim(cn, "0123456789") == ""
		if len(cn) > 15 || allDigits || !validChars(cn, "-") || strings.HasSuffix(cn, "-") {
			// [U] text recalled from the service; rule of §13.1.
			return &Error{Code: "InvalidParameter", Target: "computerName",
				Message: "Windows computer name cannot be more than 15 characters long, be entirely numeric, or contain the following characters: ` ~ ! @ # $ % ^ & * ( ) = + _ [ ] { } \\ | ; : . ' \" , < > / ?."}
		}
	} else if len(cn) > 64 || !validChars(cn, "-.") {
		// Rule: gallery-rp.md §13.1 (Linux computerName at most 64
		// characters) and Azure docs, resource-name-rules (Microsoft.Compute
		// virtualMachines: letters, digits, '-', '.') [U text].
		return &Error{Code: "InvalidParameter", Target: "computerName",
			Message: "Linux host name cannot exceed 64 characters in length or contain the following characters: ` ~ ! @ # $ % ^ & * ( ) = + _ [ ] { } \\ | ; : ' \" , < > / ?."}
	}
	user := strAt(os, "adminUsername")
	if user == "" {
		return errRequired("adminUsername")
	}
	if slices.Contains(reservedUsernames, strings.ToLower(user)) {
		// Reserved names of gallery-rp.md §13.1 [U text].
		return &Error{Code: "InvalidParameter", Target: "adminUsername", Message: "The Admin Username specified is not allowed."}
	}
	if windows {
		if len(user) > 20 || strings.HasSuffix(user, ".") || strings.ContainsAny(user, "\\/\"[]:|<>+=;,?*@") {
			// [U] text recalled from the service; rule of §13.1.
			return &Error{Code: "InvalidParameter", Target: "adminUsername",
				Message: "Windows admin user name cannot be more than 20 characters long, end with a period(.), or contain the following characters: \\ / \" [ ] : | < > + = ; , ? * @."}
		}
	} else if len(user) > 64 {
		// gallery-rp.md §13.1: Linux adminUsername 1-64 characters [U text].
		return &Error{Code: "InvalidParameter", Target: "adminUsername",
			Message: "Linux admin user name cannot be more than 64 characters long."}
	}
	pw := strAt(os, "adminPassword")
	if windows {
		if pw == "" {
			return errRequired("adminPassword")
		}
		return checkPassword(pw, 8, 123)
	}
	disable, _ := asBool(at(os, "linuxConfiguration", "disablePasswordAuthentication"))
	if disable {
		// SSH-key authentication needs a key [U: rule and text not in
		// gallery-rp.md §13.1, which lists keys as the alternative]. A
		// password given as well is accepted and unused: Azure has no rule
		// against it, and the gallery's password-or-key pattern
		// (adminPasswordOrKey) sets both (issue 15).
		if len(arrAt(os, "linuxConfiguration", "ssh", "publicKeys")) == 0 {
			return errRequired("linuxConfiguration.ssh.publicKeys")
		}
		return nil
	}
	if pw == "" {
		return errRequired("adminPassword")
	}
	return checkPassword(pw, 6, 72)
}

func (vmProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	id, body, props, loc, err := begin(ctx, r, typeVirtualMachine)
	if err != nil {
		return nil, err
	}
	var warnings []string
	// 1 location (gallery-rp.md §12)
	// 2 size: unknown sizes only warn (gallery-rp.md §13.1, SkuNotAvailable [U])
	size := strAt(props, "hardwareProfile", "vmSize")
	if size == "" {
		return nil, errRequired("hardwareProfile.vmSize")
	}
	if !slices.ContainsFunc(vmSizes, func(s string) bool { return strings.EqualFold(s, size) }) {
		warnings = append(warnings, fmt.Sprintf("virtual machine %s: size '%s' is not one the simulator knows; Azure may answer SkuNotAvailable", id.Name, size))
	}
	// 3 image (gallery-rp.md §13.1 imageReference.id handling, §10.2, §8)
	sp := child(props, "storageProfile")
	img, err := resolveImage(ctx, r, sp, loc)
	if err != nil {
		return nil, err
	}
	// 4 osProfile by the image's OS state, then its rules by OS type
	// (gallery-rp.md §13.1, DOC-TS)
	osp := objAt(props, "osProfile")
	if img.attach || strings.EqualFold(img.osState, "Specialized") {
		if osp != nil {
			// DOC-TS text, verbatim (gallery-rp.md §13.1); code [U].
			return nil, &Error{Code: "InvalidParameter", Target: "osProfile", Message: "Parameter 'osProfile' is not allowed."}
		}
	} else {
		if osp == nil {
			return nil, errRequired("osProfile")
		}
		if e := checkOSProfile(osp, img.osType, lastSegment(id.Name)); e != nil {
			return nil, e
		}
	}
	// 5 network interfaces exist in the VM's region (gallery-rp.md §13.5)
	nics := arrAt(props, "networkProfile", "networkInterfaces")
	if len(nics) == 0 && !has(props, "networkProfile", "networkInterfaceConfigurations") {
		return nil, errRequired("networkProfile")
	}
	for i, n := range nics {
		ref := strAt(asObj(n), "id")
		path := fmt.Sprintf("properties.networkProfile.networkInterfaces[%d].id", i)
		if ref == "" {
			return nil, errRequired("networkInterfaces.id")
		}
		if _, e := parseRef(ref, path); e != nil {
			return nil, e
		}
		nic, err := lookup(ctx, r.Store, ref)
		if err != nil {
			return nil, err
		}
		if nic == nil || !typeIs(nic.Type, typeNIC) || locationOf(nic) != loc {
			return nil, errInvalidReference(ref, r.ID)
		}
	}
	// 6 update: immutables (checked before the osProfile is rewritten;
	// gallery-rp.md §13.1, §7.2)
	if r.Current != nil {
		old := bodyOf(r.Current)
		cmp := deepCopy(body).(map[string]any)
		if ir := objAt(old, "properties", "storageProfile", "imageReference"); ir != nil {
			del(ir, "exactVersion")
		}
		if e := checkImmutable(cmp, old, vmImmutable, nil, func(p string) string {
			return strings.TrimPrefix(strings.TrimPrefix(p, "properties.storageProfile."), "properties.")
		}); e != nil {
			return nil, e
		}
	}
	// defaults and read-only values; the password is never stored
	if osp != nil {
		del(osp, "adminPassword")
		if strings.EqualFold(img.osType, "Windows") {
			wc := child(osp, "windowsConfiguration")
			setDefault(wc, "provisionVMAgent", true)
			setDefault(wc, "enableAutomaticUpdates", true)
		} else {
			lc := child(osp, "linuxConfiguration")
			setDefault(lc, "disablePasswordAuthentication", false)
			setDefault(lc, "provisionVMAgent", true)
		}
		setDefault(osp, "secrets", []any{})
		setDefault(osp, "allowExtensionOperations", true)
	}
	od := child(sp, "osDisk")
	if img.osType != "" {
		setDefault(od, "osType", img.osType)
	}
	if !img.attach {
		setDefault(od, "createOption", "FromImage")
	}
	setDefault(od, "caching", "ReadWrite")
	md := child(od, "managedDisk")
	setDefault(md, "storageAccountType", "Standard_LRS")
	if n, ok := asInt(at(od, "diskSizeGB")); !ok || n < img.sizeGB {
		set(od, "diskSizeGB", img.sizeGB)
	}
	diskName := fmt.Sprintf("%s_OsDisk_1_%016x%016x", lastSegment(id.Name), stableHash(strings.ToLower(r.ID)), stableHash("disk:"+strings.ToLower(r.ID)))
	if r.Current != nil {
		if n := strAt(bodyOf(r.Current), "properties", "storageProfile", "osDisk", "name"); n != "" {
			diskName = n
		}
	}
	setDefault(od, "name", diskName)
	if img.exactVersion != "" {
		// A VM keeps the version it was created from: a newer "latest"
		// does not re-image it.
		exact := img.exactVersion
		if r.Current != nil {
			if e := strAt(bodyOf(r.Current), "properties", "storageProfile", "imageReference", "exactVersion"); e != "" {
				exact = e
			}
		}
		set(child(sp, "imageReference"), "exactVersion", exact)
	}
	set(props, "vmId", stableGUID(strings.ToLower(r.ID)))
	set(props, "provisioningState", "Succeeded")
	fillIdentity(r, body)
	return &Result{Body: body, Warnings: warnings}, nil
}

func (vmProvider) Delete(context.Context, *DeleteRequest) error { return nil }
